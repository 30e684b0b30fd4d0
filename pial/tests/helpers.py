from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(func) -> int:
    """Number of SQL queries `func()` runs (the session may live in Redis or in SQL)."""
    with CaptureQueriesContext(connection) as context:
        func()
    return len(context.captured_queries)
