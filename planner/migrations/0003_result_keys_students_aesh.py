"""A proposal's stored result names its concepts as the code does: "students" (was "pupils")
in each unit, "aesh" (was "workers") for the AESH's capacities."""

from django.db import migrations


def rename_keys(apps, schema_editor, old_new=(("pupils", "students"), ("workers", "aesh"))):
    PlannerRun = apps.get_model("planner", "PlannerRun")
    (unit_old, unit_new), (top_old, top_new) = old_new
    for run in PlannerRun.objects.exclude(result={}).only("pk", "result").iterator():
        result = run.result or {}
        if top_old in result:
            result[top_new] = result.pop(top_old)
        for unit in (result.get("units") or {}).values():
            if unit_old in unit:
                unit[unit_new] = unit.pop(unit_old)
        PlannerRun.objects.filter(pk=run.pk).update(result=result)


def restore_keys(apps, schema_editor):
    rename_keys(apps, schema_editor, old_new=(("students", "pupils"), ("aesh", "workers")))


class Migration(migrations.Migration):

    dependencies = [("planner", "0002_one_active_run")]

    operations = [migrations.RunPython(rename_keys, restore_keys)]
