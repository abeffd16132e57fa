"""Use cases of the accounts app that change state."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User


@transaction.atomic
def complete_profile(*, user: User, professional_role: str, country: str) -> User:
    """Save the professional profile; the first time, mark the profile complete."""
    user.professional_role = professional_role
    user.country = country
    fields = ["professional_role", "country"]
    if user.profile_completed_at is None:
        user.profile_completed_at = timezone.now()
        fields.append("profile_completed_at")
    user.full_clean(validate_unique=False, validate_constraints=False)
    user.save(update_fields=fields)
    return user
