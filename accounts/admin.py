"""The admin site for accounts: people, agencies and memberships, and read-only views of
the logs. Staff reach it only with two-factor authentication (StaffMFAMiddleware).

Privileges are not granted here: staff and superuser status are read-only (use
`createsuperuser`), and a membership's role change is recorded in the audit log.
Deleting a person goes through `erase_account`, the same erasure the person can ask for.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.models import (
    AuditEvent,
    EmailPreference,
    Membership,
    Notification,
    Organisation,
    OutboxMessage,
    SupportService,
    User,
)
from accounts.personal_data import erase_account


class UserCreationForm(AdminUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(DjangoUserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"


class ReadOnlyAdmin[M: Model](admin.ModelAdmin[M]):
    """A log to read, never to edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Names and preferences"),
            {"fields": ("display_name", "certificate_name", "time_zone", "language")},
        ),
        (
            _("Professional profile"),
            {"fields": ("professional_role", "country", "profile_completed_at")},
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "is_demo")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    # The profile is the person's own to state; privileges are granted outside the
    # admin; demo accounts are made by `make run` only.
    readonly_fields = (
        "professional_role",
        "country",
        "profile_completed_at",
        "is_staff",
        "is_superuser",
        "is_demo",
        "last_login",
        "date_joined",
    )
    list_display = (
        "email",
        "display_name",
        "professional_role",
        "country",
        "is_staff",
        "is_active",
        "date_joined",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "is_demo", "professional_role")
    search_fields = ("email", "display_name", "certificate_name")
    ordering = ("email",)
    filter_horizontal = ()

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The login address changes through the person's own email settings, where
            # allauth verifies it; an edit here would leave allauth's record behind.
            readonly = ("email", *readonly)
        return readonly

    def get_deleted_objects(
        self, objs: Sequence[User] | QuerySet[User], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        # Erasure removes the person's rows from the read-only logs too (notifications,
        # for one); permission to delete the account is what it takes.
        return deleted, counts, set(), protected

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        erase_account(user=obj, erased_by=_staff(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            erase_account(user=user, erased_by=_staff(request))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "slug", "country", "time_zone", "created_at")
    list_filter = ("country",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "organisation", "role", "created_at")
    list_select_related = ("user", "organisation")
    list_filter = ("role",)
    search_fields = ("user__email", "organisation__name")
    autocomplete_fields = ("user", "organisation")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Membership | None = None
    ) -> tuple[str, ...]:
        # A membership belongs to one person in one organisation; moving it to someone
        # else would hand them the role without a record of granting it.
        return ("user", "organisation") if obj is not None else ()

    def save_model(
        self, request: HttpRequest, obj: Membership, form: ModelForm[Membership], change: bool
    ) -> None:
        # The admin's change view runs in a transaction: the role and its audit event
        # commit together.
        old_role = form.initial.get("role") if change else None
        super().save_model(request, obj, form, change)
        if not change or "role" in form.changed_data:
            _record_role_change(request, obj, old_role=old_role, new_role=obj.role)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        _record_role_change(request, obj, old_role=obj.role, new_role=None)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("organisation"):
            _record_role_change(request, membership, old_role=membership.role, new_role=None)
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin[AuditEvent]):
    list_display = (
        "created_at",
        "action",
        "actor_label",
        "target_type",
        "target_id",
        "organisation",
    )
    list_select_related = ("actor", "organisation")
    list_filter = ("action",)
    date_hierarchy = "created_at"
    search_fields = ("=target_id",)
    fields = (
        "created_at",
        "action",
        "actor_label",
        "target_type",
        "target_id",
        "organisation_id",
        "details",
    )
    readonly_fields = fields

    @admin.display(description=_("actor"))
    def actor_label(self, event: AuditEvent) -> str:
        if event.actor_id is None:
            return "-"
        # The actor is a bare id: an erased account is simply not there any more
        # (select_related reads it as None; a lazy fetch raises).
        try:
            actor = event.actor
        except User.DoesNotExist:
            actor = None
        if actor is None:
            return _("#%(id)s (erased)") % {"id": event.actor_id}
        return f"#{event.actor_id} {actor.email}"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin[Notification]):
    list_display = ("created_at", "user", "kind", "category", "status", "attempts", "sent_at")
    list_select_related = ("user",)
    list_filter = ("status", "category", "kind")
    search_fields = ("user__email", "=dedup_key")
    date_hierarchy = "created_at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin[OutboxMessage]):
    list_display = (
        "id",
        "task_name",
        "created_at",
        "available_at",
        "dispatched_at",
        "dispatch_count",
        "completed_at",
    )
    list_filter = (("completed_at", admin.EmptyFieldListFilter), "task_name")
    search_fields = ("task_name",)


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin[EmailPreference]):
    list_display = ("user", "reminders", "updated_at")
    list_select_related = ("user",)
    list_filter = ("reminders",)
    search_fields = ("user__email",)
    raw_id_fields = ("user",)


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _record_role_change(
    request: HttpRequest, membership: Membership, *, old_role: str | None, new_role: str | None
) -> None:
    audit.record_event(
        actor=_staff(request),
        action=audit.MEMBERSHIP_ROLE_CHANGED,
        target=membership,
        organisation=membership.organisation,
        details={"user_id": membership.user_id, "old_role": old_role, "new_role": new_role},
    )


@admin.register(SupportService)
class SupportServiceAdmin(admin.ModelAdmin[SupportService]):
    list_display = ("name", "country", "organisation", "phone", "checked_on", "is_active")
    list_filter = ("is_active", "country")
    list_select_related = ("organisation",)
    search_fields = ("name", "description")
    fieldsets = (
        (None, {"fields": ("name", "description", "url", "phone", "hours")}),
        (
            _("Who sees it"),
            {
                "fields": ("country", "organisation", "order", "is_active"),
                "description": _(
                    "Learners see services open to any country and those for their own country first."
                ),
            },
        ),
        (
            _("Checked"),
            {
                "fields": ("checked_on",),
                "description": _(
                    "Enter a number or address only after confirming it with the service itself."
                ),
            },
        ),
    )
