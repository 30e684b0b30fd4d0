"""On PostgreSQL, the database itself refuses two overlapping contracts of one AESH.

SQLite has no exclusion constraints: there, Contract.clean() and the row lock
taken by aesh.services.contract_save do the job.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE aesh_contract ADD CONSTRAINT contract_no_overlap EXCLUDE USING gist (
    aesh_id WITH =,
    daterange(start_date, COALESCE(end_date, 'infinity'::date), '[]') WITH &&
);
"""
DROP = "ALTER TABLE aesh_contract DROP CONSTRAINT IF EXISTS contract_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("aesh", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
