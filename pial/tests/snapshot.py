"""Rows that a builder adds to the test database, taken once per test process and replayed in
each test's transaction: the demo (seeded in seconds, replayed in a fraction of one) and the
permission tests' small territory.

`take(build)` runs `build()` inside a transaction that is rolled back, and keeps every row it
added, as the database stores it (COPY text on PostgreSQL, values read past the type converters
on SQLite). `replay(snapshot)` writes them back with the same keys, resets the key sequences of
the tables it wrote, and checks the foreign keys at once. A builder that changes or deletes a row
that was there before it (a migrated row) cannot be replayed and is refused."""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


class SnapshotError(RuntimeError):
    pass


@dataclass
class TableRows:
    table: str
    columns: list[str]
    rows: list  # bytes lines (PostgreSQL COPY text) or tuples of raw values (SQLite)


@dataclass
class Snapshot:
    tables: list[TableRows] = field(default_factory=list)
    models: list = field(default_factory=list)

    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables)


def _models_by_table() -> dict:
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            found.setdefault(model._meta.db_table, model)
    return found


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.local_concrete_fields]


def _quoted(names) -> str:
    return ", ".join(connection.ops.quote_name(n) for n in names)


def _read(cursor, table: str, columns: list[str]) -> list:
    name = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {name} ({_quoted(columns)}) TO STDOUT") as copy:
            data = b"".join(bytes(block) for block in copy)
        return data.splitlines(keepends=True)  # COPY text escapes newlines inside values
    # A unary + makes each value an expression: SQLite's converters (dates, booleans) skip it,
    # so the values come back exactly as stored.
    cursor.execute(f"SELECT {', '.join('+' + connection.ops.quote_name(c) for c in columns)} FROM {name}")  # noqa: S608 - names from the models, quoted
    return cursor.fetchall()


def _write(cursor, table: TableRows) -> None:
    name = connection.ops.quote_name(table.table)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {name} ({_quoted(table.columns)}) FROM STDIN") as copy:
            copy.write(b"".join(table.rows))
        return
    marks = ", ".join(["%s"] * len(table.columns))
    cursor.executemany(f"INSERT INTO {name} ({_quoted(table.columns)}) VALUES ({marks})", table.rows)  # noqa: S608 - names from the models


def _dump(cursor, tables: dict) -> dict:
    return {table: _read(cursor, table, _columns(model)) for table, model in tables.items()}


def take_with_result(build):
    """(snapshot of what `build()` adds, what `build()` returned); nothing it wrote is kept."""
    tables = _models_by_table()
    with transaction.atomic():
        with connection.cursor() as cursor:
            before = _dump(cursor, tables)
        result = build()
        with connection.cursor() as cursor:
            after = _dump(cursor, tables)
        transaction.set_rollback(True)
    snapshot = Snapshot()
    for table, model in tables.items():
        old, new = before[table], after[table]
        kept = set(new)
        if any(row not in kept for row in old):
            raise SnapshotError(
                f"{table} : le constructeur a modifié ou supprimé des lignes existantes ; "
                "il ne peut pas être rejoué, construisez-le dans chaque test.")
        existing = set(old)
        added = [row for row in new if row not in existing]
        if added:
            snapshot.tables.append(TableRows(table, _columns(model), added))
            snapshot.models.append(model)
    return snapshot, result


def take(build) -> Snapshot:
    return take_with_result(build)[0]


def replay(snapshot: Snapshot) -> None:
    """Writes the snapshot's rows in the current transaction (inside a test: rolled back with it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table in snapshot.tables:
            _write(cursor, table)
        for statement in connection.ops.sequence_reset_sql(no_style(), snapshot.models):
            cursor.execute(statement)
        # Deferred foreign keys would only be checked at a commit that never comes in a test.
        connection.check_constraints(table_names=[t.table for t in snapshot.tables])
