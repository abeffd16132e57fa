import factory
from django.utils import timezone

from accounts.models import (
    AuditEvent,
    EmailPreference,
    Membership,
    Notification,
    Organisation,
    OutboxMessage,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    professional_role = User.ProfessionalRole.THERAPIST
    country = "GB"
    profile_completed_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.LEARNER


class EmailPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailPreference

    user = factory.SubFactory(UserFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    dedup_key = factory.Sequence(lambda n: f"test-notification-{n}")
    kind = "reminder.course_due"
    category = Notification.Category.REMINDER
    subject = "Steadfast: your course is due on 3 March"
    status = Notification.Status.SENT


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    task_name = "accounts.tasks.send_notification"
    kwargs = factory.Sequence(lambda n: {"notification_id": n})


class AuditEventFactory(factory.django.DjangoModelFactory):
    """Inserts only: the audit log refuses updates, so no post-generation save."""

    class Meta:
        model = AuditEvent

    actor = factory.SubFactory(UserFactory)
    action = "account.exported"
    target_type = "accounts.user"
    target_id = factory.LazyAttribute(lambda event: str(event.actor.pk))
