"""The statements of the hottest path (a sign-in), with their SQL written by the ORM once.

The ORM builds and compiles a query's SQL at every call. For the small statements of a
sign-in or of a refused attempt that costs two to three times the round trip to
PostgreSQL itself (benchmark in docs/bench-signin.md). These helpers let the ORM write
the SQL the first time, for each database, and afterwards only bind the parameters:
nothing here writes SQL by hand, so the quoting, the columns and the dialect stay
Django's. Statements go to ``using`` (the default database): database routers are not
consulted, the portal has none.
"""

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.constants import OnConflict
from django.db.models.fields import AutoFieldMixin
from django.db.models.sql import InsertQuery, UpdateQuery


class CompiledQuery:
    """A query whose shape does not depend on its parameters, compiled once per database.

    ``build(*params)`` returns the queryset for these parameters (model instances, no
    select_related, no annotations); ``first(*params)`` returns its first instance as
    the queryset would: the columns go through the database's converters and
    ``Model.from_db``, as in the ORM's own iteration.
    """

    def __init__(self, build: Callable[..., models.QuerySet]):
        self._build = build
        self._compiled: dict[str, tuple] = {}

    def _compile(self, params: tuple, using: str) -> tuple:
        queryset = self._build(*params)
        compiler = queryset.query.get_compiler(using)
        sql, compiled_params = compiler.as_sql()
        # The parameters must be exactly the call's, in order: then the same SQL
        # holds for any other values of the same types.
        if tuple(compiled_params) != params:
            raise ValueError(f"the query does not take exactly {params!r} as parameters")
        info = compiler.klass_info
        if compiler.annotation_col_map or info.get("related_klass_infos"):
            raise ValueError("only a model's own columns can be selected")
        columns = [column for column, _, _ in compiler.select]
        fields = info["select_fields"]
        attnames = [columns[i].target.attname for i in fields]
        converters = [(position, convs, columns[position]) for position, (convs, _)
                      in compiler.get_converters(columns).items()]
        return info["model"], sql, (fields[0], fields[-1] + 1), attnames, converters

    def first(self, *params, using: str = DEFAULT_DB_ALIAS):
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(params, using)
        model, sql, (start, end), attnames, converters = compiled
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for position, convs, expression in converters:
            for convert in convs:
                row[position] = convert(row[position], expression, connection)
        return model.from_db(using, attnames, row[start:end])


class CompiledUpdate:
    """``build(*params).update(**values)``, compiled once per database and set of fields.

    The filter's parameters must be exactly ``params``; the values must be plain values
    and not None (the ORM writes NULL and expressions into the SQL itself).
    """

    def __init__(self, build: Callable[..., models.QuerySet]):
        self._build = build
        self._compiled: dict[tuple, tuple[str, list]] = {}

    def update(self, *params, using: str = DEFAULT_DB_ALIAS, **values) -> int:
        if any(v is None or hasattr(v, "resolve_expression") for v in values.values()):
            raise ValueError("only plain values other than None can be bound")
        key = (using, tuple(values))
        compiled = self._compiled.get(key)
        if compiled is None:
            query = self._build(*params).query.chain(UpdateQuery)
            query.add_update_values(values)
            sql, compiled_params = query.get_compiler(using).as_sql()
            fields = [field for field, _, _ in query.values]
            if query.related_updates or tuple(compiled_params[len(fields):]) != params:
                raise ValueError(f"the filter does not take exactly {params!r} as parameters")
            compiled = self._compiled[key] = (sql, fields)
        sql, fields = compiled
        connection = connections[using]
        bound = [f.get_db_prep_save(v, connection)
                 for f, v in zip(fields, values.values(), strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*bound, *params])
            return cursor.rowcount


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
