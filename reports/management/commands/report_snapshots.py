"""Computes the weekly figures of the reports for past weeks (after an import, on a new
installation). A dry run unless --wet-run."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import snapshots


class Command(BaseCommand):
    help = "Calcule les chiffres hebdomadaires des rapports depuis une date (simulation sans --wet-run)."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="Premier lundi à calculer (AAAA-MM-JJ).")
        parser.add_argument("--wet-run", action="store_true", help="Enregistrer (sinon : simulation).")

    def handle(self, *args, since, wet_run=False, **options):
        try:
            day = snapshots.monday_of(datetime.date.fromisoformat(since))
        except ValueError as error:
            raise CommandError(f"--since : « {since} » n'est pas une date AAAA-MM-JJ.") from error
        today = timezone.localdate()
        while day <= today:
            if wet_run:
                count = snapshots.store(day)
                self.stdout.write(f"Semaine du {day:%d/%m/%Y} : {count} établissement(s) enregistré(s).")
            else:
                count = len(snapshots.figures_on(day))
                self.stdout.write(f"Semaine du {day:%d/%m/%Y} : {count} établissement(s) (simulation).")
            day += datetime.timedelta(weeks=1)
