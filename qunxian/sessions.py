"""Sessions in the database, read together with their signed-in account.

Every signed-in page first reads the session, then its user, then the
header's roles and unread count. Here the session row names its user in a
column (`UserSession.user`), so one query returns all three; the auth
backends' `get_user` (qunxian/accounts.py) takes the user this request's
session brought instead of asking again.
"""

import contextvars
from functools import cache

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.sql import Query
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
        with connection.cursor() as cursor:
            cursor.execute(
                _session_sql(), [SYSTEM_ADMIN_GROUP, self.session_key, timezone.now()]
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        count = len(_USER_FIELDS)
        session_data, facts = row[count], row[count + 1 :]
        if row[_USER_PK] is not None:
            user = _user_from(list(row[:count]))
            prime_header_facts(user, facts)
            _brought.set((user.pk, user))
        return UserSession(session_key=self.session_key, session_data=session_data)


# Read by a cursor, not `raw()`: resolving a raw query's columns to fields
# on every request cost a third of the session's read.
_USER_FIELDS = User._meta.concrete_fields
_USER_PK = _USER_FIELDS.index(User._meta.pk)
_converters = {}  # database vendor -> what turns the user's columns into values


@cache
def _session_sql() -> str:
    """The session with its user's columns and the header's facts (the first
    parameter: the admins' group); then the session's key and the time."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"u.{quote(field.column)}" for field in _USER_FIELDS)
    return (
        f"SELECT {columns}, s.session_data, {facts_sql()} "  # noqa: S608 - names from our models, values are parameters
        f"FROM {quote(UserSession._meta.db_table)} s "
        f"LEFT JOIN {quote(User._meta.db_table)} u ON u.id = s.user_id "
        "WHERE s.session_key = %s AND s.expire_date > %s"
    )


def _user_from(values: list) -> User:
    """The user of a row's columns, converted as the ORM would (a JSON
    field's text, SQLite's dates)."""
    converters = _converters.get(connection.vendor)
    if converters is None:
        compiler = connection.ops.compiler("SQLCompiler")(
            Query(User), connection, connection.alias
        )
        columns = [field.get_col(User._meta.db_table) for field in _USER_FIELDS]
        converters = _converters[connection.vendor] = compiler.get_converters(columns)
    for index, (functions, expression) in converters.items():
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    return User.from_db(connection.alias, None, values)
