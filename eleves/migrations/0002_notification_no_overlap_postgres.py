"""On PostgreSQL, the database refuses an individuelle and a mutualisée aid overlapping
for one pupil. On SQLite, Notification.clean() does it."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE eleves_notification ADD CONSTRAINT notification_kinds_no_overlap EXCLUDE USING gist (
    student_id WITH =,
    daterange(start_date, end_date, '[]') WITH &&,
    aid_kind WITH <>
);
"""
DROP = "ALTER TABLE eleves_notification DROP CONSTRAINT IF EXISTS notification_kinds_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("eleves", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
