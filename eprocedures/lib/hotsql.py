"""The statements of the hottest path (a sign-in), with their SQL written by the ORM once.

The ORM builds and compiles a query's SQL at every call. For the small statements of a
sign-in or of a refused attempt that costs two to three times the round trip to
PostgreSQL itself (benchmark in docs/bench-signin.md). These helpers let the ORM write
the SQL the first time, for each database, and afterwards only bind the parameters:
nothing here writes SQL by hand, so the quoting, the columns and the dialect stay
Django's.
"""

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.constants import OnConflict
from django.db.models.fields import AutoFieldMixin
from django.db.models.sql import InsertQuery


class CompiledQuery:
    """A query whose shape does not depend on its parameters, compiled once per database.

    ``build(*params)`` returns the queryset for these parameters; ``rows(*params)``
    returns model instances as the queryset would (through ``Model.objects.raw``,
    which applies the database's converters).
    """

    def __init__(self, build: Callable[..., models.QuerySet]):
        self._build = build
        self._compiled: dict[str, tuple[type[models.Model], str]] = {}

    def rows(self, *params, using: str = DEFAULT_DB_ALIAS) -> models.query.RawQuerySet:
        compiled = self._compiled.get(using)
        if compiled is None:
            queryset = self._build(*params)
            sql, compiled_params = queryset.query.get_compiler(using).as_sql()
            # The parameters must be exactly the call's, in order: then the same SQL
            # holds for any other values of the same types.
            if tuple(compiled_params) != params:
                raise ValueError(f"the query does not take exactly {params!r} as parameters")
            compiled = self._compiled[using] = (queryset.model, sql)
        model, sql = compiled
        return model.objects.db_manager(using).raw(sql, params)

    def first(self, *params, using: str = DEFAULT_DB_ALIAS):
        return next(iter(self.rows(*params, using=using)), None)


_inserts: dict[tuple, tuple[str, list]] = {}


def insert_row(obj: models.Model, *, ignore_conflicts: bool = False,
               using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT one new row, as ``bulk_create([obj])`` would: no signals, the key not read back.

    For values that are plain values, not expressions; a key the database assigns
    (AutoField) is left to it.
    """
    model = type(obj)
    key = (model, using, ignore_conflicts)
    compiled = _inserts.get(key)
    if compiled is None:
        # As bulk_create: every column but generated ones and a key the database assigns.
        fields = [f for f in model._meta.local_concrete_fields
                  if not f.generated and not isinstance(f, AutoFieldMixin)]
        query = InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
        query.insert_values(fields, [obj])
        [(sql, _)] = query.get_compiler(using).as_sql()
        compiled = _inserts[key] = (sql, fields)
    sql, fields = compiled
    connection = connections[using]
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
