"""Who must use two-factor authentication, and whether they do."""

from allauth.mfa.models import Authenticator

from accounts.models import Membership, User


def has_mfa(user: User) -> bool:
    """Return whether the user has a second factor (TOTP or a passkey) set up."""
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def requires_mfa(user: User) -> bool:
    """Staff and agency admins or facilitators see other people's data: they need MFA."""
    return user.is_staff or Membership.objects.filter(user=user).privileged().exists()
