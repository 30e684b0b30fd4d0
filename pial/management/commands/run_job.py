"""Runs a reminder job now: a dry run by default (lists what would be sent), --wet-run to send."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pial.reminders import JOBS, run


class Command(BaseCommand):
    help = "Lance une tâche de rappels maintenant (simulation sans --wet-run)."

    def add_arguments(self, parser):
        parser.add_argument("job", nargs="?", help="Nom de la tâche ; sans nom, la liste des tâches.")
        parser.add_argument("--wet-run", action="store_true", help="Envoyer pour de bon.")
        parser.add_argument("--date", help="Faire comme si nous étions ce jour-là (AAAA-MM-JJ).")

    def handle(self, *args, job=None, wet_run=False, date=None, **options):
        if not job:
            for name, (label, _function) in sorted(JOBS.items()):
                self.stdout.write(f"{name:30} {label}")
            return
        if job not in JOBS:
            raise CommandError(f"Tâche inconnue : {job}. Tâches : {', '.join(sorted(JOBS))}.")
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"Date invalide : {date} (attendu AAAA-MM-JJ).") from None
        drafts, created = run(job, today, wet_run=wet_run)
        if not wet_run:
            for draft in drafts:
                self.stdout.write(f"{draft.recipient:40} {draft.context.get('subject', '')}")
            self.stdout.write(f"Simulation : {len(drafts)} rappel(s) seraient envoyés (ajoutez --wet-run).")
            return
        self.stdout.write(self.style.SUCCESS(f"{len(created)} nouveau(x) rappel(s) programmé(s) pour l'envoi."))
