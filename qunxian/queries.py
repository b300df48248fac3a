"""Querysets of the busiest pages, compiled into SQL once per process.

Django compiles a queryset into SQL again every time it is evaluated. For a
signed-in visitor's list of bookings that took longer than PostgreSQL took
to run the prepared statement (bench/README.md). A `CompiledQuery` has the
ORM write the SQL once, from the queryset built with stand-in keys, and then
runs it as a raw query with each request's keys in their place.
"""

from django.db import connections

# Stand-ins no key takes: large negative integers, one for each argument.
_STAND_IN = -(2**31) + 7


class CompiledQuery:
    """`build(*keys)`'s rows for any integer keys, from SQL compiled once.

    `build` returns a queryset of one model whose filters take each key as a
    parameter of their own. Its rows come back as `QuerySet.raw()` gives
    them: the selected fields loaded, each annotation an attribute; so a
    value from a related table is an annotation (select_related is lost).
    """

    def __init__(self, build):
        self._build = build
        self._compiled = {}  # database alias -> (model, sql, params, key slots)

    def _compile(self, alias, arity):
        compiled = self._compiled.get(alias)
        if compiled is None:
            stand_ins = [_STAND_IN + index for index in range(arity)]
            queryset = self._build(*stand_ins).using(alias)
            sql, params = queryset.query.get_compiler(alias).as_sql()
            slots = [
                (position, stand_ins.index(value))
                for position, value in enumerate(params)
                if value in stand_ins
            ]
            if sorted(key for _, key in slots) != list(range(arity)):
                raise ValueError("Each key must be one parameter of the query.")
            compiled = self._compiled[alias] = (queryset.model, sql, params, slots)
        return compiled

    def raw(self, *keys: int, using: str = "default"):
        model, sql, params, slots = self._compile(connections[using].alias, len(keys))
        values = list(params)
        for position, key in slots:
            values[position] = keys[key]
        return model._default_manager.db_manager(using).raw(sql, values)
