# The hours' models, moved from missions: state only, their tables (missions_*) and rows stay.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from pial.migration_helpers import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('aesh', '0003_absence'),
        ('missions', '0004_move_hours_planner_absence'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('pial', '0002_reminder'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Timesheet',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('week_start', models.DateField(help_text='Le lundi de la semaine.', verbose_name='semaine du')),
                    ('state', models.CharField(choices=[('DRAFT', 'Brouillon'), ('SUBMITTED', 'Transmise'), ('RETURNED', 'Renvoyée pour correction'), ('VALIDATED', 'Validée')], default='DRAFT', max_length=10, verbose_name='état')),
                    ('comment', models.TextField(blank=True, max_length=1000, verbose_name="commentaire de l'AESH")),
                    ('return_comment', models.TextField(blank=True, max_length=1000, verbose_name='commentaire de la coordination')),
                    ('version', models.PositiveIntegerField(default=0, verbose_name='version')),
                    ('planned_minutes', models.PositiveIntegerField(default=0, verbose_name="prévu à l'emploi du temps")),
                    ('accompaniment_minutes', models.PositiveIntegerField(default=0, verbose_name='accompagnement assuré')),
                    ('travel_minutes', models.PositiveIntegerField(default=0, verbose_name='trajets')),
                    ('extra_minutes', models.PositiveIntegerField(default=0, verbose_name='accompagnement ajouté')),
                    ('absence_minutes', models.PositiveIntegerField(default=0, verbose_name='absences motivées')),
                    ('unexplained_minutes', models.PositiveIntegerField(default=0, verbose_name='heures manquantes sans motif')),
                    ('connexe_minutes', models.PositiveIntegerField(default=0, verbose_name='activités connexes')),
                    ('training_minutes', models.PositiveIntegerField(default=0, verbose_name='formation')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='transmise le')),
                    ('validated_at', models.DateTimeField(blank=True, null=True, verbose_name='validée le')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créée le')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifiée le')),
                    ('aesh', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='timesheets', to='aesh.aesh', verbose_name='AESH')),
                    ('main_school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='pial.school', verbose_name='établissement principal de la semaine')),
                    ('validated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='validée par')),
                ],
                options={
                    'verbose_name': 'semaine déclarée',
                    'verbose_name_plural': 'semaines déclarées',
                    'db_table': 'missions_timesheet',
                    'ordering': ['-week_start', 'aesh__last_name'],
                },
            ),
            migrations.CreateModel(
                name='TimeEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('SLOT', "Créneau de l'emploi du temps"), ('OUTING', 'Sortie scolaire (hors créneau prévu)'), ('LUNCH', 'Pause méridienne (accompagnement)'), ('REPLACEMENT', "Remplacement d'un·e collègue"), ('TRAINING', 'Formation suivie'), ('CONNEXE', 'Activités connexes')], max_length=12, verbose_name='nature')),
                    ('day', models.DateField(blank=True, null=True, verbose_name='jour')),
                    ('slot_kind', models.CharField(blank=True, max_length=6, verbose_name='nature du créneau')),
                    ('start_time', models.TimeField(blank=True, null=True, verbose_name='début prévu')),
                    ('end_time', models.TimeField(blank=True, null=True, verbose_name='fin prévue')),
                    ('planned_minutes', models.PositiveSmallIntegerField(default=0, verbose_name='prévu (minutes)')),
                    ('minutes', models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(1200)], verbose_name='réalisé (minutes)')),
                    ('attendance', models.CharField(blank=True, choices=[('DONE', 'Assuré'), ('PUPIL_ABSENT', 'Élève absent·e'), ('AESH_ABSENT', 'AESH absent·e')], max_length=12, verbose_name='déroulement')),
                    ('absence_reason', models.CharField(blank=True, choices=[('SICK_LEAVE', 'Congé maladie'), ('WORK_ACCIDENT', 'Accident de service'), ('PARENTAL', 'Congé maternité / paternité'), ('AUTHORISED', "Autorisation d'absence"), ('TRAINING', 'Formation'), ('STRIKE', 'Grève')], max_length=14, verbose_name="motif d'absence")),
                    ('category', models.CharField(blank=True, choices=[('PREPARATION', 'Préparation'), ('CONCERTATION', 'Concertation avec les enseignant·es'), ('ESS', 'ESS, équipe éducative'), ('FAMILY', 'Rencontre avec la famille'), ('OTHER', 'Autre')], max_length=12, verbose_name='catégorie')),
                    ('label', models.CharField(blank=True, help_text="Sans nom d'élève ni donnée de santé.", max_length=200, verbose_name='précision')),
                    ('training_kind', models.CharField(blank=True, choices=[('ADAPTATION', "Formation d'adaptation à l'emploi (60 h)"), ('CONTINUING', 'Formation continue')], max_length=10, verbose_name='type de formation')),
                    ('client_token', models.CharField(blank=True, editable=False, max_length=40)),
                    ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='pial.school', verbose_name='établissement')),
                    ('slot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='missions.timeslot', verbose_name='créneau')),
                    ('training', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='aesh.training', verbose_name='formation enregistrée')),
                    ('timesheet', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='hours.timesheet', verbose_name='semaine')),
                ],
                options={
                    'verbose_name': 'ligne de la semaine',
                    'verbose_name_plural': 'lignes de la semaine',
                    'db_table': 'missions_timeentry',
                    'ordering': ['timesheet', 'day', 'start_time', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='TimesheetEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('action', models.CharField(choices=[('SUBMITTED', 'Transmise'), ('VALIDATED', 'Validée'), ('RETURNED', 'Renvoyée pour correction'), ('REOPENED', 'Rouverte')], max_length=10, verbose_name='action')),
                    ('user_email', models.EmailField(max_length=254, verbose_name='par (e-mail)')),
                    ('comment', models.TextField(blank=True, max_length=1000, verbose_name='commentaire')),
                    ('at', models.DateTimeField(auto_now_add=True, verbose_name='le')),
                    ('timesheet', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='hours.timesheet', verbose_name='semaine')),
                    ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par')),
                ],
                options={
                    'verbose_name': "événement d'une semaine",
                    'verbose_name_plural': 'journal des semaines',
                    'db_table': 'missions_timesheetevent',
                    'ordering': ['timesheet', 'at', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='ReferentActivity',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('date', models.DateField(verbose_name='date')),
                    ('kind', models.CharField(choices=[('WELCOME', "Accueil d'un·e AESH nouvellement recruté·e"), ('METHOD', 'Appui méthodologique'), ('PRACTICE_GROUP', "Groupe d'échange de pratiques"), ('PILOTS', 'Réunion avec les pilotes'), ('OTHER', 'Autre action de référent·e')], max_length=16, verbose_name='action')),
                    ('minutes', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(15), django.core.validators.MaxValueValidator(1200)], verbose_name='durée (minutes)')),
                    ('note', models.CharField(blank=True, help_text="Sans nom d'élève ni donnée de santé.", max_length=300, verbose_name='précision')),
                    ('client_token', models.CharField(blank=True, editable=False, max_length=40)),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créée le')),
                    ('referent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referent_activities', to='aesh.aesh', verbose_name='AESH référent·e')),
                    ('supported', models.ManyToManyField(blank=True, related_name='+', to='aesh.aesh', verbose_name='AESH accompagné·es ou participant·es')),
                ],
                options={
                    'verbose_name': 'action de référent·e',
                    'verbose_name_plural': 'actions de référent·e',
                    'db_table': 'missions_referentactivity',
                    'ordering': ['-date', '-pk'],
                    'constraints': [models.UniqueConstraint(condition=models.Q(('client_token', ''), _negated=True), fields=('referent', 'client_token'), name='referentactivity_unique_client_token'), models.CheckConstraint(condition=models.Q(('minutes__gte', 15), ('minutes__lte', 1200)), name='referentactivity_minutes_range')],
                },
            ),
            migrations.AddIndex(
                model_name='timesheet',
                index=models.Index(fields=['state', 'week_start'], name='missions_ti_state_3e32f8_idx'),
            ),
            migrations.AddIndex(
                model_name='timesheet',
                index=models.Index(fields=['week_start'], name='missions_ti_week_st_2cf561_idx'),
            ),
            migrations.AddConstraint(
                model_name='timesheet',
                constraint=models.UniqueConstraint(fields=('aesh', 'week_start'), name='timesheet_one_per_week', violation_error_message='Cette semaine existe déjà pour cet·te AESH.'),
            ),
            migrations.AddConstraint(
                model_name='timesheet',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'VALIDATED'), _negated=True), ('validated_at__isnull', False), _connector='OR'), name='timesheet_validated_has_date', violation_error_message='Une semaine validée porte sa date de validation.'),
            ),
            migrations.AddIndex(
                model_name='timeentry',
                index=models.Index(fields=['timesheet', 'kind'], name='missions_ti_timeshe_d3dcea_idx'),
            ),
            migrations.AddConstraint(
                model_name='timeentry',
                constraint=models.UniqueConstraint(condition=models.Q(('kind', 'CONNEXE')), fields=('timesheet', 'category'), name='timeentry_one_total_per_category'),
            ),
            migrations.AddConstraint(
                model_name='timeentry',
                constraint=models.UniqueConstraint(condition=models.Q(('client_token', ''), _negated=True), fields=('timesheet', 'client_token'), name='timeentry_unique_client_token'),
            ),
            migrations.AddConstraint(
                model_name='timeentry',
                constraint=models.CheckConstraint(condition=models.Q(('kind', 'CONNEXE'), ('day__isnull', False), _connector='OR'), name='timeentry_day_unless_connexe', violation_error_message="Une ligne porte sur un jour, sauf un total d'activités connexes."),
            ),
            migrations.AddConstraint(
                model_name='timeentry',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('attendance', 'AESH_ABSENT'), _negated=True), models.Q(('absence_reason', ''), _negated=True), _connector='OR'), name='timeentry_absence_has_reason', violation_error_message="Indiquez le motif de l'absence."),
            ),
            migrations.AddConstraint(
                model_name='timeentry',
                constraint=models.CheckConstraint(condition=models.Q(('minutes__lte', 1200)), name='timeentry_minutes_max'),
            ),
        ], database_operations=[]),
        move_content_types("missions", "hours", {m: m for m in ("timesheet", "timeentry", "timesheetevent", "referentactivity")}),
    ]
