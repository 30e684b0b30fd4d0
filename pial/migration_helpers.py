"""Migration operations that only PostgreSQL can run (exclusion constraints).

SQLite has no exclusion constraints: there, model clean() methods and the row
locks taken by the services enforce the same invariants.
"""

from django.db import migrations


def postgres_only(create_sql: str, drop_sql: str) -> migrations.RunPython:
    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create_sql)

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop_sql)

    return migrations.RunPython(create, drop)
