# The absence period, moved from the planner (missions.AeshAbsence): state only, its table
# missions_aeshabsence and its rows stay. The planner created that table in missions 0003.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from pial.migration_helpers import move_content_types


class Migration(migrations.Migration):

    dependencies = [
        ('aesh', '0002_contract_no_overlap_postgres'),
        ('missions', '0003_planner'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Absence',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('start_date', models.DateField(verbose_name='du')),
                    ('end_date', models.DateField(verbose_name='au')),
                    ('reason', models.CharField(choices=[('SICK_LEAVE', 'Congé maladie'), ('WORK_ACCIDENT', 'Accident de service'), ('PARENTAL', 'Congé maternité / paternité'), ('AUTHORISED', "Autorisation d'absence"), ('TRAINING', 'Formation'), ('STRIKE', 'Grève')], max_length=14, verbose_name='motif')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('aesh', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='absences', to='aesh.aesh', verbose_name='AESH')),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': "absence d'AESH",
                    'verbose_name_plural': "absences d'AESH",
                    'db_table': 'missions_aeshabsence',
                    'ordering': ['-start_date'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('end_date__gte', models.F('start_date'))), name='absence_period', violation_error_message='La fin doit suivre le début.')],
                },
            ),
        ], database_operations=[]),
        move_content_types("missions", "aesh", {"aeshabsence": "absence"}),
    ]
