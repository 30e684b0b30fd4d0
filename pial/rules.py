"""Pure rules about the territory: no ORM, no Django settings."""

import re
import unicodedata

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_UAI_SHAPE = re.compile(r"^\d{7}[A-Z]$")

# Académies by school-holiday zone (arrêté of 2015, in force). Corse and the
# overseas académies have their own calendars.
ACADEMIE_ZONES = {
    "A": {"besancon", "bordeaux", "clermont-ferrand", "dijon", "grenoble", "limoges",
          "lyon", "poitiers"},
    "B": {"aix-marseille", "amiens", "lille", "nancy-metz", "nantes", "nice", "normandie",
          "orleans-tours", "reims", "rennes", "strasbourg"},
    "C": {"creteil", "montpellier", "paris", "toulouse", "versailles"},
}


def normalize_uai(raw: str) -> str:
    return (raw or "").strip().upper()


def uai_check_letter(digits: str) -> str:
    """The check letter of the seven digits of a UAI."""
    return UAI_LETTERS[int(digits) % 23]


def uai_error(raw: str) -> str | None:
    """French message explaining why `raw` is not a valid UAI, or None if it is."""
    uai = normalize_uai(raw)
    if not uai:
        return "Le code UAI est vide."
    if len(uai) != 8:
        return (
            f"Le code UAI « {uai} » doit comporter 8 caractères : "
            "7 chiffres suivis d'une lettre."
        )
    if not _UAI_SHAPE.match(uai):
        return (
            f"Le code UAI « {uai} » doit être formé de 7 chiffres suivis d'une lettre "
            "(caractères non autorisés)."
        )
    if uai[7] != uai_check_letter(uai[:7]):
        return (
            f"La lettre de contrôle du code UAI « {uai} » ne correspond pas à ses chiffres : "
            "vérifiez la saisie."
        )
    return None


def zone_for_academie(academie: str) -> str:
    """Holiday zone (A, B, C or AUTRE) of an académie name, accents and case ignored."""
    key = _fold(academie).replace(" ", "-")
    for zone, names in ACADEMIE_ZONES.items():
        if key in names:
            return zone
    return "AUTRE" if key else ""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip().lower()
