# The planner's models, moved from missions: state only, their tables (missions_*) and rows stay.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from pial.migration_helpers import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('aesh', '0003_absence'),
        ('eleves', '0003_level_vocabulary'),
        ('pial', '0002_reminder'),
        ('missions', '0004_move_hours_planner_absence'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='PlannerRun',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='lancé le')),
                    ('start_date', models.DateField(verbose_name='créneaux à partir du')),
                    ('weights', models.JSONField(default=dict, verbose_name='poids')),
                    ('state', models.CharField(choices=[('QUEUED', 'En attente'), ('RUNNING', 'En cours'), ('DONE', 'Proposition prête'), ('CANCELLED', 'Annulé'), ('FAILED', 'Échec')], default='QUEUED', max_length=9, verbose_name='état')),
                    ('progress', models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='avancement (%)')),
                    ('step', models.CharField(blank=True, max_length=120, verbose_name='étape')),
                    ('cancel_requested', models.BooleanField(default=False, verbose_name='annulation demandée')),
                    ('result', models.JSONField(blank=True, default=dict, verbose_name='proposition')),
                    ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='terminé le')),
                    ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='acceptée le')),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='lancé par')),
                    ('pole', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='planner_runs', to='pial.pole', verbose_name='pôle')),
                ],
                options={
                    'verbose_name': 'proposition du planificateur',
                    'verbose_name_plural': 'propositions du planificateur',
                    'db_table': 'missions_plannerrun',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='ClassCourse',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('class_name', models.CharField(blank=True, max_length=50, verbose_name='classe')),
                    ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Lundi'), (1, 'Mardi'), (2, 'Mercredi'), (3, 'Jeudi'), (4, 'Vendredi')], verbose_name='jour')),
                    ('start_time', models.TimeField(verbose_name='début')),
                    ('end_time', models.TimeField(verbose_name='fin')),
                    ('week', models.CharField(blank=True, choices=[('', 'Toutes les semaines'), ('A', 'Semaine A'), ('B', 'Semaine B')], default='', max_length=1, verbose_name='semaines')),
                    ('subject', models.CharField(blank=True, max_length=80, verbose_name='matière')),
                    ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='courses', to='pial.school', verbose_name='établissement')),
                    ('student', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='courses', to='eleves.student', verbose_name='élève (emploi du temps individuel)')),
                ],
                options={
                    'verbose_name': 'cours',
                    'verbose_name_plural': 'emplois du temps de classe',
                    'db_table': 'missions_classcourse',
                    'ordering': ['school', 'class_name', 'weekday', 'start_time'],
                    'indexes': [models.Index(fields=['school', 'class_name'], name='missions_cl_school__5be886_idx')],
                    'constraints': [models.CheckConstraint(condition=models.Q(('end_time__gt', models.F('start_time'))), name='course_end_after_start', violation_error_message='La fin du cours doit suivre son début.'), models.CheckConstraint(condition=models.Q(models.Q(('class_name', ''), _negated=True), ('student__isnull', False), _connector='OR'), name='course_class_or_student', violation_error_message="Indiquez la classe, ou l'élève pour un emploi du temps individuel.")],
                },
            ),
            migrations.CreateModel(
                name='PairingWish',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('FORBID', 'À éviter (jamais ensemble)'), ('IMPOSE', 'À imposer'), ('PREFER', 'À privilégier')], max_length=6, verbose_name='souhait')),
                    ('aesh', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pairing_wishes', to='aesh.aesh', verbose_name='AESH')),
                    ('student', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pairing_wishes', to='eleves.student', verbose_name='élève')),
                ],
                options={
                    'verbose_name': "souhait d'appariement",
                    'verbose_name_plural': "souhaits d'appariement",
                    'db_table': 'missions_pairingwish',
                    'constraints': [models.UniqueConstraint(fields=('aesh', 'student'), name='wish_one_per_pair', violation_error_message='Un souhait existe déjà pour ce binôme.')],
                },
            ),
            migrations.CreateModel(
                name='Unavailability',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Lundi'), (1, 'Mardi'), (2, 'Mercredi'), (3, 'Jeudi'), (4, 'Vendredi')], verbose_name='jour')),
                    ('start_time', models.TimeField(verbose_name='début')),
                    ('end_time', models.TimeField(verbose_name='fin')),
                    ('week', models.CharField(blank=True, choices=[('', 'Toutes les semaines'), ('A', 'Semaine A'), ('B', 'Semaine B')], default='', max_length=1, verbose_name='semaines')),
                    ('label', models.CharField(blank=True, help_text='Sans donnée de santé.', max_length=120, verbose_name='précision')),
                    ('aesh', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unavailabilities', to='aesh.aesh', verbose_name='AESH')),
                ],
                options={
                    'verbose_name': 'indisponibilité',
                    'db_table': 'missions_unavailability',
                    'ordering': ['aesh', 'weekday', 'start_time'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('end_time__gt', models.F('start_time'))), name='unavailability_end_after_start', violation_error_message='La fin doit suivre le début.')],
                },
            ),
        ], database_operations=[]),
        move_content_types("missions", "planner", {m: m for m in ("classcourse", "unavailability", "pairingwish", "plannerrun")}),
    ]
