"""On PostgreSQL, the database itself refuses two overlapping contracts of one AESH."""

from django.db import migrations

from pial.migration_helpers import postgres_only

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE aesh_contract ADD CONSTRAINT contract_no_overlap EXCLUDE USING gist (
    aesh_id WITH =,
    daterange(start_date, COALESCE(end_date, 'infinity'::date), '[]') WITH &&
);
"""
DROP = "ALTER TABLE aesh_contract DROP CONSTRAINT IF EXISTS contract_no_overlap;"


class Migration(migrations.Migration):
    dependencies = [("aesh", "0001_initial")]
    operations = [postgres_only(CREATE, DROP)]
