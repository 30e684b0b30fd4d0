"""Imports schools from the national school directory CSV (dry run unless --wet-run)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pial.imports import import_directory


class Command(BaseCommand):
    help = (
        "Importe les établissements depuis l'export CSV de l'annuaire de l'éducation. "
        "Sans --wet-run, vérifie seulement et n'enregistre rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Chemin du fichier CSV (séparateur point-virgule).")
        parser.add_argument("--departement", help="Code du département à importer (ex. 35).")
        parser.add_argument("--wet-run", action="store_true", help="Enregistrer pour de bon.")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="Importer les lignes valides malgré des lignes en erreur.")

    def handle(self, *args, path, departement=None, wet_run=False, skip_invalid=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        report = import_directory(
            file.read_bytes(), departement_code=departement, wet_run=wet_run,
            skip_invalid=skip_invalid,
        )
        for error in report.errors:
            self.stderr.write(str(error))
        self.stdout.write(report.summary())
        if report.errors and not skip_invalid:
            raise CommandError(
                "Des lignes sont en erreur : rien n'a été enregistré. Corrigez le fichier "
                "ou relancez avec --skip-invalid."
            )
