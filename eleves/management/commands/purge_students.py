"""Retention: lists, and with --wet-run deletes, students who left long enough ago,
with their documents, and the journal entries older than the journal's retention."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from eleves.models import Student
from eleves.services import retention_apply, retention_plan


class Command(BaseCommand):
    help = ("Liste (et supprime avec --wet-run) les élèves sortis depuis plus longtemps que la durée de "
            "conservation, avec leurs documents, et les entrées anciennes du journal des accès.")

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Supprimer pour de bon.")

    def handle(self, *args, wet_run=False, **options):
        plan = retention_plan(timezone.localdate(), timezone.now())
        for student in Student.objects.filter(pk__in=plan.student_ids).order_by("pk"):
            self.stdout.write(f"élève n° {student.pk} — sorti·e le {student.left_on:%d/%m/%Y}")
        self.stdout.write(
            f"{len(plan.student_ids)} élève(s) et {plan.journal_count} entrée(s) du journal antérieures au "
            f"{plan.journal_before:%d/%m/%Y} dépassent la durée de conservation."
        )
        if not wet_run:
            self.stdout.write("Simulation : rien n'a été supprimé (ajoutez --wet-run pour supprimer).")
            return
        students, journal = retention_apply(plan)
        self.stdout.write(self.style.SUCCESS(f"Supprimé : {students} élève(s), {journal} entrée(s) du journal."))
