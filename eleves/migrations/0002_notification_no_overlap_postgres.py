"""On PostgreSQL, the database refuses an individuelle and a mutualisée aid overlapping
for one pupil."""

from django.db import migrations

from pial.migration_helpers import postgres_only

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE eleves_notification ADD CONSTRAINT notification_kinds_no_overlap EXCLUDE USING gist (
    student_id WITH =,
    daterange(start_date, end_date, '[]') WITH &&,
    aid_kind WITH <>
);
"""
DROP = "ALTER TABLE eleves_notification DROP CONSTRAINT IF EXISTS notification_kinds_no_overlap;"


class Migration(migrations.Migration):
    dependencies = [("eleves", "0001_initial")]
    operations = [postgres_only(CREATE, DROP)]
