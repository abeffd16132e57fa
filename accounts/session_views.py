"""allauth's sessions page, with a list that costs the same for 2 sessions or 20."""

from typing import Any

from allauth.usersessions.views import ListUserSessionsView
from django.views.generic.edit import FormView

from accounts.models import User
from accounts.sessions import list_live_sessions


class LiveSessionsView(ListUserSessionsView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # FormView's context, not allauth's: allauth's would list the sessions again.
        context = FormView.get_context_data(self, **kwargs)
        user = self.request.user
        assert isinstance(user, User)
        sessions = list_live_sessions(user=user)
        context.update(sessions=sessions, session_count=len(sessions), show_last_seen_at=False)
        return context


list_sessions = LiveSessionsView.as_view()
