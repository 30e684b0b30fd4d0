"""A DSDEN needs file of any size, as coordinators receive it: title row, header, students, TOTAL.

Used by the import tests (a few rows) and by the import benchmark (20 000 rows).
"""

import csv
import io
import random

HEADER = ["Élève", "Date de naissance", "Établissement 2025-2026", "Établissement 2026-2027", "Niveau",
          "Type d'aide", "Heures notifiées", "Début", "Fin", "État", "Cantine", "Remarques"]
LAST_NAMES = ["MARTIN", "BERNARD", "NGUYEN", "LE GALL", "PETIT", "N'DIAYE", "ROUX", "LEFÈVRE", "GARCIA", "MOREAU"]
FIRST_NAMES = ["Jade", "Tom", "Lina", "Noé", "Éva", "Adam", "Inès", "Léo", "Chloé", "Maël"]
LEVELS = ["CP", "CE1", "CE2", "CM1", "CM2", "6e", "5e", "ULIS école"]


def needs_rows(schools, count: int, seed: int = 0, first: int = 0) -> list[list[str]]:
    """`count` students (numbered from `first`) spread over `schools`, each with one notification
    (2 in 3 individuelle)."""
    rng = random.Random(seed)
    rows = []
    for i in range(first, first + count):
        last = f"{LAST_NAMES[i % len(LAST_NAMES)]}{i:05d}"
        first = FIRST_NAMES[(i // len(LAST_NAMES)) % len(FIRST_NAMES)]
        birth = f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2010 + i % 8}"
        individual = rng.random() < 2 / 3
        rows.append([f"{last} {first}", birth, "ancienne école", schools[i % len(schools)].uai, rng.choice(LEVELS),
                     "I" if individual else "M", str(rng.choice([6, 9, 12, 15])) if individual else "",
                     "01/09/2025", "31/08/2028", "notifiée", rng.choice(["oui", "non"]), ""])
    return rows


def needs_table(rows: list[list[str]]) -> list[list[str]]:
    return [["Besoins élèves — rentrée 2026"], HEADER, *rows, ["TOTAL"]]


def needs_csv(rows: list[list[str]], encoding: str = "cp1252", lineterminator: str = "\r\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator=lineterminator).writerows(needs_table(rows))
    return out.getvalue().encode(encoding)
