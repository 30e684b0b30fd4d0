"""« élève » is `Student` everywhere (glossary): the attendance value « Élève absent·e » is
stored as STUDENT_ABSENT (was PUPIL_ABSENT); rows are rewritten, both ways."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    apps.get_model("hours", "TimeEntry").objects.filter(attendance="PUPIL_ABSENT").update(attendance="STUDENT_ABSENT")


def backwards(apps, schema_editor):
    apps.get_model("hours", "TimeEntry").objects.filter(attendance="STUDENT_ABSENT").update(attendance="PUPIL_ABSENT")


class Migration(migrations.Migration):

    dependencies = [("hours", "0002_timesheet_state_constraints")]

    operations = [
        migrations.AlterField(
            model_name="timeentry", name="attendance",
            field=models.CharField(blank=True, choices=[("DONE", "Assuré"), ("STUDENT_ABSENT", "Élève absent·e"),
                                                        ("AESH_ABSENT", "AESH absent·e")],
                                   max_length=14, verbose_name="déroulement")),
        migrations.RunPython(forwards, backwards),
    ]
