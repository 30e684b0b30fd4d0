"""The reports' own table: a school's figures week by week, so the evolution over the
year reads one row per school and week instead of recomputing a year of history. It keeps
every figure the report protects, so that a week is protected as the day's report is.
Filled by the nightly job (reports.tasks) and by `manage.py report_snapshots`; every
other figure is computed live from the other apps' data, which reports never writes."""

from django.db import models

from pial.models import School
from pial.scope import Scope


class WeeklyFigureQuerySet(models.QuerySet):
    def counted_in(self, scope: Scope):
        return self.filter(school__in=School.objects.visible_to(scope))


class WeeklyFigure(models.Model):
    week_start = models.DateField("semaine du")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name="établissement")
    students = models.PositiveIntegerField("élèves notifié·es", default=0)
    individuelle = models.PositiveIntegerField("dont aide individuelle", default=0, db_default=0)
    mutualisee = models.PositiveIntegerField("dont aide mutualisée", default=0, db_default=0)
    ulis = models.PositiveIntegerField("dont en ULIS", default=0, db_default=0)
    notified_minutes = models.PositiveIntegerField("heures notifiées (aide individuelle), en minutes", default=0)
    placed_minutes = models.PositiveIntegerField("heures placées, en minutes", default=0)
    waiting = models.PositiveIntegerField("élèves en attente", default=0)
    waiting_none = models.PositiveIntegerField("dont sans AESH", default=0, db_default=0)
    waiting_partial = models.PositiveIntegerField("dont couverture partielle", default=0, db_default=0)
    computed_at = models.DateTimeField("calculé le", auto_now=True)

    objects = WeeklyFigureQuerySet.as_manager()

    class Meta:
        verbose_name = "chiffres de la semaine"
        verbose_name_plural = "chiffres des semaines"
        constraints = [models.UniqueConstraint(fields=["week_start", "school"], name="weeklyfigure_one_per_week")]
        indexes = [models.Index(fields=["school", "week_start"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.week_start}"
