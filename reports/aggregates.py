"""The median in SQL: PostgreSQL has PERCENTILE_DISC; SQLite gets an aggregate function
of the same meaning (the lower middle value), pial_median_disc, on each new connection.
"""

from __future__ import annotations


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
