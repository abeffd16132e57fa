import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import User
from courses.content import COURSES_KIND
from courses.models import Course
from curriculum import registry
from curriculum.services import CURRICULUM_KIND
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


FIXTURES = Path(__file__).parents[1] / "curriculum" / "fixtures" / "valid"

# The fixture tree: core (c1, 30 minutes) and legal (l1, 20 minutes).
COURSES = """\
courses:
  - id: core
    title: Core
    summary: The shared foundation every role takes.
    tracks: [core]
    order: 1
    roles: [other, prosecutor]
    published: true
  - id: legal-practice
    title: Legal practice
    summary: Core and the legal track.
    tracks: [core, legal]
    order: 2
    roles: [prosecutor, defence_lawyer]
    certificate_validity_days: 365
    published: false
"""


@pytest.fixture
def kinds() -> Iterator[None]:
    # Only the curriculum's kind and ours: a later app's kind (quizzes) would want its
    # own files in the fixture tree.
    with registry.replaced([CURRICULUM_KIND, COURSES_KIND]):
        yield


@pytest.fixture
def content(tmp_path: Path, kinds: None) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES, root)
    (root / "courses.yaml").write_text(COURSES, encoding="utf-8")
    return root
