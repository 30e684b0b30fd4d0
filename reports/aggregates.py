"""SQL aggregates the ORM lacks: the median of a column, computed by the database.

PostgreSQL has PERCENTILE_DISC; SQLite gets an aggregate function of the same
meaning (the lower middle value) registered on each new connection.
"""

from __future__ import annotations

from django.db.models import Aggregate


class MedianDisc(Aggregate):
    """The lower middle value of a group (any ordered type: dates, integers)."""

    function = "PERCENTILE_DISC"
    name = "MedianDisc"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.function = "pial_median_disc"
        clone.template = "%(function)s(%(expressions)s)"
        return clone.as_sql(compiler, connection, **extra_context)


class _LowerMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        self.values.sort()
        return self.values[(len(self.values) - 1) // 2]


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """connection_created receiver: SQLite learns pial_median_disc."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("pial_median_disc", 1, _LowerMedian)
