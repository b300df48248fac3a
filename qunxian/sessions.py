"""Sessions in the database, read together with their signed-in account.

Every signed-in page first reads the session, then its user, then the
header's roles and unread count. Here the session row names its user in a
column (`UserSession.user`), so one query returns all three; the auth
backends' `get_user` (qunxian/accounts.py) takes the user this request's
session brought instead of asking again.
"""

import contextvars

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from qunxian.context_processors import facts_sql, prime_header_facts
from qunxian.models import User, UserSession
from qunxian.roles import SYSTEM_ADMIN_GROUP

# (user id, user) that the last session read in this thread or task brought.
_brought = contextvars.ContextVar("session_user", default=None)


def user_brought_by_session(pk):
    """The user with this key if this request's session just brought it."""
    brought = _brought.get()
    if brought is not None and brought[0] == pk:
        _brought.set(None)
        return brought[1]
    return None


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = User._meta.pk.to_python(data.get(SESSION_KEY))
        except ValidationError:  # what the key's field raises for a bad value
            session.user_id = None
        return session

    def _get_session_from_db(self):
        _brought.set(None)
        quote = connection.ops.quote_name
        rows = User._default_manager.raw(
            f"SELECT u.*, s.session_data AS session_data_, {facts_sql()} "  # noqa: S608 - names from our models, values are parameters
            f"FROM {quote(UserSession._meta.db_table)} s "
            f"LEFT JOIN {quote(User._meta.db_table)} u ON u.id = s.user_id "
            "WHERE s.session_key = %s AND s.expire_date > %s",
            [SYSTEM_ADMIN_GROUP, self.session_key, timezone.now()],
        )
        for row in rows:
            if row.pk is not None:
                prime_header_facts(row)
                _brought.set((row.pk, row))
            return UserSession(
                session_key=self.session_key, session_data=row.session_data_
            )
        self._session_key = None
        return None
