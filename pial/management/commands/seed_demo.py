"""Builds the demo data: a fictional département with its people, for `make run`."""

import importlib
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from faker import Faker

from pial.demo import DEMO_PASSWORD
from pial.models import Departement

# Apps seed in dependency order; an app without a demo module is skipped.
DEMO_APPS = ["pial", "aesh", "eleves", "missions", "recourse", "hours", "planner", "referents", "reports"]


class Command(BaseCommand):
    help = "Crée les données de démonstration (département fictif, pôles, comptes de démo)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Ne rien faire si la base contient déjà un département.")
        parser.add_argument("--seed", type=int, default=2026, help="Graine du hasard (reproductible).")

    def handle(self, *args, if_empty=False, seed=2026, **options):
        if not settings.DEBUG:
            raise CommandError("Les données de démonstration ne se chargent qu'avec DEBUG activé.")
        if Departement.objects.exists():
            if if_empty:
                self.stdout.write("La base contient déjà des données : démo non rechargée.")
                self._print_logins_hint()
                return
            raise CommandError("La base contient déjà des données ; utilisez une base vide.")
        Faker.seed(seed)
        context = {
            "faker": Faker("fr_FR"), "rng": random.Random(seed),
            "today": timezone.localdate(), "stdout": self.stdout,
        }
        with transaction.atomic():
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError:
                    continue
                module.seed(context)
        self.stdout.write(self.style.SUCCESS("Données de démonstration créées."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for email, label in context["logins"]:
            self.stdout.write(f"  {email:42} {label}")

    def _print_logins_hint(self):
        self.stdout.write(
            f"Comptes de démonstration : voir README.md (mot de passe : {DEMO_PASSWORD})."
        )
