"""The "where you are signed in" list, read in a fixed number of queries.

allauth's own list checks every session one by one (an existence query and a load per
session); with many devices that grows without bound. Here the person's session records
and the matching session rows are read in two queries, and records of sessions that have
ended are removed in one more."""

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.models import User

# Engines that keep every session in the database table, so it can be read in bulk.
DATABASE_SESSION_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


def list_live_sessions(*, user: User) -> list[UserSession]:
    """Return the user's sessions that are still signed in, oldest first, and forget the rest."""
    records = list(UserSession.objects.filter(user_id=user.pk).order_by("created_at"))
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        # Another engine cannot be read in bulk: fall back to allauth's check.
        return sorted(UserSession.objects.purge_and_list(user), key=lambda s: s.created_at)
    rows = Session.objects.filter(
        session_key__in=[record.session_key for record in records], expire_date__gt=timezone.now()
    ).values_list("session_key", "session_data")
    expected_hash = user.get_session_auth_hash()
    store = SessionStore()
    signed_in = set()
    for session_key, session_data in rows:
        data = store.decode(session_data)
        # As allauth does: a session whose password hash no longer matches (the
        # password changed) is signed out even though its row remains.
        if str(data.get(SESSION_KEY)) == str(user.pk) and constant_time_compare(
            data.get(HASH_SESSION_KEY, ""), expected_hash
        ):
            signed_in.add(session_key)
    ended = [record.pk for record in records if record.session_key not in signed_in]
    if ended:
        UserSession.objects.filter(pk__in=ended).delete()
    return [record for record in records if record.session_key in signed_in]
