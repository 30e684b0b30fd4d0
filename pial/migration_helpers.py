"""Migration operations: those only PostgreSQL can run (exclusion constraints), and moving
models between apps without moving a row.

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


def move_content_types(old_app: str, new_app: str, models: dict[str, str]) -> migrations.RunPython:
    """Models moved to another app keep their rows (same table); their content types and
    permissions follow them, so admin history and granted permissions stay attached.
    `models` maps the old model name to the new one (lower case)."""

    def move(apps, schema_editor, source=old_app, target=new_app, names=models):
        content_type = apps.get_model("contenttypes", "ContentType")
        permission = apps.get_model("auth", "Permission")
        for old, new in names.items():
            moved = content_type.objects.filter(app_label=source, model=old).first()
            if moved is None:
                continue  # a new database: post_migrate creates the new ones
            content_type.objects.filter(app_label=target, model=new).delete()
            moved.app_label, moved.model = target, new
            moved.save(update_fields=["app_label", "model"])
            if old != new:
                for perm in permission.objects.filter(content_type=moved, codename__endswith=f"_{old}"):
                    perm.codename = perm.codename[: -len(old)] + new
                    perm.save(update_fields=["codename"])

    def back(apps, schema_editor):
        move(apps, schema_editor, new_app, old_app, {new: old for old, new in models.items()})

    return migrations.RunPython(move, back)
