import pytest
from django.test import Client

from accounts.models import User
from courses.models import Course
from tests.accounts.factories import UserFactory
from tests.courses.factories import build_core_course


@pytest.fixture
def core(db: None) -> Course:
    """The Core course: two modules of two lessons each."""
    return build_core_course()


@pytest.fixture
def learner(db: None) -> User:
    return UserFactory(professional_role=User.ProfessionalRole.OTHER)


@pytest.fixture
def learner_client(client: Client, learner: User) -> Client:
    client.force_login(learner)
    return client
