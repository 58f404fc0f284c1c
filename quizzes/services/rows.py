"""Writing many rows' fields in one statement: `UPDATE … FROM (VALUES …)`.

Django's `bulk_update` builds a `CASE WHEN id = … THEN …` per field over every row, whose
expressions Python resolves one by one: more than half of a 24-question submit's time
(docs/performance.md). Here each batch of rows is one UPDATE joined to a list of values, built
as text once; the values go through each field's own `get_db_prep_save`, as `save()` does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model

BATCH = 500  # rows per statement: well inside SQLite's limit on parameters


def update_rows(objs: Sequence[Model], fields: Sequence[str]) -> int:
    """Write `fields` of each of `objs` (saved rows of one model) as they are in memory.
    Returns the number of rows written. Fields are concrete, non-key fields (a foreign key by
    its name, e.g. "version")."""
    if not objs:
        return 0
    model = type(objs[0])
    opts = model._meta
    using = router.db_for_write(model)
    connection = connections[using]
    columns = [_concrete(opts.get_field(name)) for name in fields]
    pk = _concrete(opts.pk)
    quote = connection.ops.quote_name
    names = ["id", *(str(field.column) for field in columns)]
    if connection.vendor == "postgresql":
        # A literal in VALUES has no type of its own there: say each column's.
        casts = [pk.db_type(connection), *(field.db_type(connection) for field in columns)]
        row = "(" + ", ".join(f"CAST(%s AS {cast})" for cast in casts) + ")"
    else:
        row = "(" + ", ".join(["%s"] * len(names)) + ")"
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
    table = quote(opts.db_table)
    key = f"{table}.{quote(str(pk.column))}"
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            batch = objs[start : start + BATCH]
            params: list[Any] = []
            for obj in batch:
                params.append(obj.pk)
                params.extend(
                    field.get_db_prep_save(getattr(obj, field.attname), connection)
                    for field in columns
                )
            cursor.execute(
                f"WITH v ({', '.join(quote(name) for name in names)}) AS "
                f"(VALUES {', '.join([row] * len(batch))}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {key} = v.id",
                params,
            )
            written += cursor.rowcount
    return written


def _concrete(field: object) -> Field[Any, Any]:
    if not isinstance(field, Field) or not field.concrete:
        raise TypeError(f"{field!r} is not a column of its table.")
    return field
