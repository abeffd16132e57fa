"""People, agencies, and the cross-cutting records every later app writes to: the
audit log, the notification log, email preferences and the outbox."""

import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import BaseUserManager as DjangoBaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

DEMO_EMAIL_DOMAIN = "demo.steadfast.invalid"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _(
                "“%(value)s” is not a time zone we know. Choose one from the list, such as Europe/London."
            ),
            params={"value": value},
            code="invalid_time_zone",
        )


TIME_ZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())


class UserManager(DjangoBaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not (extra["is_staff"] and extra["is_superuser"]):
            raise ValueError("A superuser must be staff and superuser.")
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Email is the login; there is no username."""

    class ProfessionalRole(models.TextChoices):
        INVESTIGATOR = "investigator", _("Law enforcement investigator")
        VICTIM_IDENTIFICATION = "victim_identification", _("Victim-identification specialist")
        FORENSIC_INTERVIEWER = "forensic_interviewer", _("Forensic interviewer")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        VICTIMS_LAWYER = "victims_lawyer", _("Victims' lawyer")
        DEFENCE_LAWYER = "defence_lawyer", _("Defence lawyer")
        JUDICIAL_OFFICER = "judicial_officer", _("Judicial officer")
        THERAPIST = "therapist", _("Therapist or counsellor")
        SOCIAL_WORKER = "social_worker", _("Social worker or child protection")
        VICTIM_ADVOCATE = "victim_advocate", _("Victim advocate")
        OTHER = "other", _("Other")

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("How Steadfast greets you. Leave blank to use your email address."),
    )
    certificate_name = models.CharField(
        _("name on certificates"),
        max_length=150,
        blank=True,
        help_text=_("Your full name exactly as it should be printed on certificates."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        choices=TIME_ZONE_CHOICES,
    )
    language = models.CharField(
        _("language"), max_length=16, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    professional_role = models.CharField(
        _("professional role"), max_length=32, choices=ProfessionalRole.choices, blank=True
    )
    country = CountryField(_("country where you work"), blank=True)
    profile_completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Platform staff: may use the admin site once two-factor authentication is on."),
    )
    # Demo accounts are made only by `make run`; a deploy check refuses any in production.
    is_demo = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Email addresses are unique regardless of case.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.certificate_name or self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def has_completed_profile(self) -> bool:
        return self.profile_completed_at is not None


class Organisation(models.Model):
    """An agency whose staff train on Steadfast."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        choices=TIME_ZONE_CHOICES,
    )
    country = CountryField(_("country"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def privileged(self) -> "MembershipQuerySet":
        """Memberships that can see other people's data (and so need MFA)."""
        return self.filter(role__in=[Membership.Role.ADMIN, Membership.Role.FACILITATOR])


class Membership(models.Model):
    class Role(models.TextChoices):
        LEARNER = "learner", _("Learner")
        FACILITATOR = "facilitator", _("Facilitator")
        ADMIN = "admin", _("Agency admin")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.LEARNER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.get_role_display()})"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk changes; the database triggers in migration 0002 refuse the rest."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError(f"{self.model.__name__} is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model.__name__} is append-only.")


class AuditEvent(models.Model):
    """One privileged action, recorded forever.

    The actor is kept as a bare id (no foreign-key constraint) so that erasing an
    account leaves the log intact and pseudonymous. `details` holds ids and values,
    never names or free text about people."""

    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} on {self.target_type}:{self.target_id} by {self.actor_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("AuditEvent is append-only.")
        # Always an INSERT: saving an event built with an existing id must fail on the
        # primary key rather than overwrite the row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("AuditEvent is append-only.")


class EmailPreference(models.Model):
    """What a person has chosen to receive. Transactional email (verification,
    security notices, password reset) is always sent and has no switch here."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="email_preference")
    reminders = models.BooleanField(
        _("reminders"),
        default=True,
        help_text=_("Due dates, certificate renewals and refresher checks."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Email preferences of {self.user_id}"


class Notification(models.Model):
    """Every message we send or tried to send, with a key that makes sending once a
    database fact rather than a hope."""

    class Category(models.TextChoices):
        TRANSACTIONAL = "transactional", _("Transactional")
        REMINDER = "reminder", _("Reminder")

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped (unsubscribed)")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    dedup_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=64)
    category = models.CharField(max_length=16, choices=Category.choices)
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user_id} ({self.status})"


class OutboxMessage(models.Model):
    """Work to do after a commit, written in the same transaction as the change that
    needs it. The relay hands it to Celery; the task marks it done."""

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    available_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatch_count = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["available_at"],
                name="outbox_pending_idx",
                condition=models.Q(completed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"


class SupportServiceQuerySet(models.QuerySet["SupportService"]):
    def visible_to(self, user: "User | None") -> "SupportServiceQuerySet":
        """Operator-wide services, plus those of the person's own organisations."""
        scope = models.Q(organisation__isnull=True)
        if user is not None and user.is_authenticated:
            scope |= models.Q(organisation__memberships__user=user)
        return self.filter(scope, is_active=True).distinct()

    def for_country_first(self, country: str) -> "SupportServiceQuerySet":
        """Order the person's own country first, then services for any country, then the rest."""
        ranks = [models.When(country="", then=1)]
        if country:
            ranks.insert(0, models.When(country=country, then=0))
        return self.annotate(
            country_rank=models.Case(*ranks, default=2, output_field=models.IntegerField())
        ).order_by("country_rank", "country", "order", "name")


class SupportService(models.Model):
    """A place a learner can turn to for support, kept by the operator in the admin (or,
    later, by an agency for its own staff). Steadfast ships none: numbers and opening
    hours must come from someone who has checked them."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("what it offers"),
        help_text=_("Who it is for and what kind of help it gives, in a sentence or two."),
    )
    country = CountryField(
        _("country"), blank=True, help_text=_("Leave blank for a service open to any country.")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="support_services",
        help_text=_("Leave blank for a service every learner sees."),
    )
    url = models.URLField(_("web address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hours = models.CharField(_("when it is open"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("shown"), default=True)
    checked_on = models.DateField(
        _("details last checked on"),
        help_text=_("When someone last confirmed the number and hours."),
    )

    objects = SupportServiceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="", phone=""), name="accounts_supportservice_has_contact"
            ),
        ]

    def __str__(self) -> str:
        return self.name
