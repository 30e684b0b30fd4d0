"""Pure rules of a recourse: how a student may be named, which words suggest health information."""

from __future__ import annotations

import re
import unicodedata

STUDENT_LABEL_MAX = 30
# A first name (one or two parts joined by a hyphen, an apostrophe or a space), then the initial
# of the family name, with or without its full stop: « Léo M. », « Marie-Lou B », « N'Golo K. ».
_LETTERS = r"[^\W\d_]"
STUDENT_LABEL = re.compile(rf"^{_LETTERS}+(?:[-' ]{_LETTERS}+)?\s{_LETTERS}\.?$")
STUDENT_LABEL_MESSAGE = ("Nommez l'élève par son prénom et l'initiale de son nom seulement, par exemple « Léo M. » "
                       "(ou laissez ce champ vide).")

# Words that usually carry health information about a student (diagnoses, care, treatments).
# « handicap » is left out: it is the vocabulary of the job itself, not a medical detail.
HEALTH_TERMS = (
    "diagnostic", "diagnostique", "autisme", "autiste", "tsa", "tdah", "tdh", "dyslexie", "dyspraxie", "dysphasie",
    "dyscalculie", "epilepsie", "epileptique", "diabete", "diabetique", "asthme", "allergie", "allergique",
    "medicament", "medicaments", "traitement", "ritaline", "insuline", "trouble", "troubles", "maladie",
    "hospitalisation", "hospitalise", "hospitalisee", "psychiatre", "psychiatrique", "pedopsychiatre",
    "neurologue", "cmp", "camsp", "sessad", "orthophoniste", "psychomotricien", "psychomotricienne",
    "trisomie", "syndrome", "pathologie", "handicap mental", "deficience", "depression", "anorexie",
)


def fold(text: str) -> str:
    """Lower case without accents, for matching words whatever their spelling."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def student_label_error(label: str) -> str | None:
    """None when the label is empty or a first name and an initial; otherwise the French message."""
    label = " ".join(label.split())
    if not label:
        return None
    if len(label) > STUDENT_LABEL_MAX or not STUDENT_LABEL.match(label):
        return STUDENT_LABEL_MESSAGE
    return None


def normalized_student_label(label: str) -> str:
    """« léo m » → « Léo M. »: the first name capitalised, the initial upper case with its full stop."""
    label = " ".join(label.split())
    if not label:
        return ""
    base = label.rstrip(".")
    first, initial = base[:-1].rstrip(), base[-1]
    first = re.sub(rf"{_LETTERS}+", lambda m: m.group(0)[0].upper() + m.group(0)[1:], first)
    return f"{first} {initial.upper()}."


def health_terms(*texts: str) -> list[str]:
    """The words of HEALTH_TERMS found in the texts, in order of the list, each once."""
    folded = " ".join(fold(t) for t in texts)
    found = []
    for term in HEALTH_TERMS:
        if re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", folded):
            found.append(term)
    return found
