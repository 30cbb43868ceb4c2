"""Set-based writes on either backend: many rows in one statement (`insert_rows`), an insert
that skips rows already present (`insert_ignore`), and rows as a derived table for an
`UPDATE ... FROM` (`values_source`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session


def values_source(
    session: Session, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[str, dict[str, Any]]:
    """`rows` as a derived table `v(columns...)` for `UPDATE ... FROM`, with its parameters.

    PostgreSQL names VALUES columns in the alias; SQLite cannot, so it renames column1... .
    """
    params: dict[str, Any] = {}
    tuples = []
    for r, row in enumerate(rows):
        names = []
        for c, value in enumerate(row):
            params[f"v{r}_{c}"] = value
            names.append(f":v{r}_{c}")
        tuples.append(f"({', '.join(names)})")
    values = ", ".join(tuples)
    if session.get_bind().dialect.name == "postgresql":
        return f"(VALUES {values}) AS v({', '.join(columns)})", params
    renamed = ", ".join(f"column{i + 1} AS {name}" for i, name in enumerate(columns))
    return f"(SELECT {renamed} FROM (VALUES {values})) AS v", params


def insert_ignore(session: Session, model: Any, rows: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on either backend; returns how many rows went in.

    Counted from RETURNING: psycopg reports no row count (-1) for a multi-row insert.
    """
    if not rows:
        return 0
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).on_conflict_do_nothing()
    stmt = stmt.returning(*table.primary_key.columns)
    return len(session.execute(stmt, rows).all())


FEW_ROWS = 20


def insert_rows(
    session: Session, model: Any, rows: list[dict[str, Any]], *, returning_ids: bool = True
) -> list[int]:
    """Insert many rows (all with the same keys); returns their new ids in the order of `rows`.

    PostgreSQL: ids are drawn from the table's sequence first, then all rows go in as one
    `INSERT ... SELECT FROM unnest(arrays)`: one statement, a handful of array parameters, instead
    of thousands of parameters or round trips. SQLite: INSERT ... RETURNING, ordered by parameter.
    """
    if not rows:
        return []  # an executemany of nothing would run one INSERT of defaults
    table = model.__table__
    # A few rows (one API order's address, header, lines) go in as one INSERT ... VALUES ...
    # RETURNING on PostgreSQL too: one round trip instead of the sequence's and the insert's.
    if session.get_bind().dialect.name != "postgresql" or len(rows) <= FEW_ROWS:
        if not returning_ids:
            session.execute(insert(table), rows)
            return []
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [r[0] for r in session.execute(stmt, rows)]
    ids: list[int] = []
    if returning_ids:
        ids = list(
            session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:t, 'id')) "
                    "FROM generate_series(1, :n) ORDER BY 1"
                ),
                {"t": table.name, "n": len(rows)},
            ).scalars()
        )
        rows = [{**row, "id": i} for row, i in zip(rows, ids, strict=True)]
    columns = list(rows[0])
    dialect = session.get_bind().dialect
    params: dict[str, Any] = {}
    selects = []
    for n, name in enumerate(columns):
        col_type = table.c[name].type.compile(dialect=dialect)
        if col_type == "JSON":  # no JSON[] adaptation: send text, cast back per row
            params[f"a{n}"] = [json.dumps(r[name]) for r in rows]
            selects.append(f"CAST(:a{n} AS TEXT[])")
        else:
            params[f"a{n}"] = [r[name] for r in rows]
            selects.append(f"CAST(:a{n} AS {col_type}[])")
    names = ", ".join(f'"{c}"' for c in columns)
    casts = ", ".join(
        f"CAST(c{n} AS JSON)" if table.c[c].type.compile(dialect=dialect) == "JSON" else f"c{n}"
        for n, c in enumerate(columns)
    )
    aliases = ", ".join(f"c{n}" for n in range(len(columns)))
    session.execute(
        text(
            f'INSERT INTO "{table.name}" ({names}) SELECT {casts} '
            f"FROM unnest({', '.join(selects)}) AS u({aliases})"
        ),
        params,
    )
    return ids
