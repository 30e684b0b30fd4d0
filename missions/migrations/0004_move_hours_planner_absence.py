# The hours and the planner became apps of their own, and the absence period moved to aesh.
# Only Django's state changes: every table stays where it is, with its name and its rows.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('missions', '0003_planner'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveField(
                model_name='classcourse',
                name='school',
            ),
            migrations.RemoveField(
                model_name='classcourse',
                name='student',
            ),
            migrations.RemoveField(
                model_name='pairingwish',
                name='aesh',
            ),
            migrations.RemoveField(
                model_name='pairingwish',
                name='student',
            ),
            migrations.RemoveField(
                model_name='plannerrun',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='plannerrun',
                name='pole',
            ),
            migrations.RemoveField(
                model_name='referentactivity',
                name='referent',
            ),
            migrations.RemoveField(
                model_name='referentactivity',
                name='supported',
            ),
            migrations.RemoveField(
                model_name='timeentry',
                name='school',
            ),
            migrations.RemoveField(
                model_name='timeentry',
                name='slot',
            ),
            migrations.RemoveField(
                model_name='timeentry',
                name='timesheet',
            ),
            migrations.RemoveField(
                model_name='timeentry',
                name='training',
            ),
            migrations.RemoveField(
                model_name='timesheet',
                name='aesh',
            ),
            migrations.RemoveField(
                model_name='timesheet',
                name='main_school',
            ),
            migrations.RemoveField(
                model_name='timesheet',
                name='validated_by',
            ),
            migrations.RemoveField(
                model_name='timesheetevent',
                name='timesheet',
            ),
            migrations.RemoveField(
                model_name='timesheetevent',
                name='user',
            ),
            migrations.RemoveField(
                model_name='unavailability',
                name='aesh',
            ),
            migrations.DeleteModel(
                name='AeshAbsence',
            ),
            migrations.DeleteModel(
                name='ClassCourse',
            ),
            migrations.DeleteModel(
                name='PairingWish',
            ),
            migrations.DeleteModel(
                name='PlannerRun',
            ),
            migrations.DeleteModel(
                name='ReferentActivity',
            ),
            migrations.DeleteModel(
                name='TimeEntry',
            ),
            migrations.DeleteModel(
                name='Timesheet',
            ),
            migrations.DeleteModel(
                name='TimesheetEvent',
            ),
            migrations.DeleteModel(
                name='Unavailability',
            ),
        ], database_operations=[]),
    ]
