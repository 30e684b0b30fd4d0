"""The pôle's pedagogical choices as the planner reads them (issue 24): per student and
subject, how much accompaniment matters (0 removes the subject); per AESH, their ease in a
family of subjects; a cap of different AESH per student; students never to share an AESH; a
student's mutualisation rule. Read once per run by planner.inputs.

Only the subject priority and the ease move the objective (a course's weight); the cap and
the pairs apart are hard, decided by the board (planner.board) like every rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pial.conf import setting
from pial.sheet_reader import fold
from planner.models import AeshSubjectEase, Mutualisation, PolePlanning, StudentPlanning, StudentsApart, SubjectPriority

# Words of a subject's name → its family (the first family whose words appear wins).
FAMILY_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("EPS", ("eps", "education physique", "sport", "natation")),
    ("ARTS", ("arts plastiques", "art plastique", "education musicale", "musique", "arts", "dessin", "theatre")),
    ("LANGUES", ("anglais", "espagnol", "allemand", "italien", "portugais", "arabe", "chinois", "lv1", "lv2", "lva",
                 "lvb", "langue")),
    ("SCIENCES", ("mathematiques", "maths", "math", "svt", "sciences", "physique", "chimie", "technologie", "techno",
                  "informatique", "nsi")),
    ("LETTRES", ("francais", "lettres", "latin", "grec", "histoire", "geographie", "emc", "education civique",
                 "philosophie", "ses", "lecture")),
]
DEFAULT_PRIORITY = 3
DEFAULT_EASE = 3


def family_of(subject: str) -> str:
    text = fold(subject)
    for family, words in FAMILY_WORDS:
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            return family
    return "AUTRE"


def default_priority(family: str) -> int:
    return int(setting("PLANNER_FAMILY_PRIORITY").get(family, DEFAULT_PRIORITY))


@dataclass
class Choices:
    """What the database says, for one pôle."""

    priorities: dict[tuple[int, str], int] = field(default_factory=dict)   # (student, folded subject) → 0–5
    ease: dict[tuple[int, str], int] = field(default_factory=dict)         # (aesh, family) → 1–5
    apart: set[frozenset[int]] = field(default_factory=set)                 # pairs of students
    never_mutualised: set[int] = field(default_factory=set)
    max_aesh_per_student: int | None = None
    students_per_mutualised_slot: int | None = None

    def priority(self, student_ids, subject: str) -> int:
        """A course's priority for a slot's students: the highest of theirs."""
        key = fold(subject)
        family = family_of(subject) if subject else ""
        found = [self.priorities[s, key] if (s, key) in self.priorities
                 else (default_priority(family) if family else DEFAULT_PRIORITY) for s in student_ids]
        return max(found) if found else DEFAULT_PRIORITY

    def may_share(self, student_id: int, others) -> bool:
        return all(frozenset({student_id, o}) not in self.apart for o in others)


def load_choices(pole_id: int, student_ids) -> Choices:
    student_ids = set(student_ids)
    choices = Choices()
    for student_id, subject, priority in SubjectPriority.objects.filter(student_id__in=student_ids).values_list(
            "student_id", "subject", "priority"):
        choices.priorities[student_id, fold(subject)] = priority
    for aesh_id, family, ease in AeshSubjectEase.objects.filter(aesh__home_pole_id=pole_id).values_list(
            "aesh_id", "family", "ease"):
        choices.ease[aesh_id, family] = ease
    for a, b in StudentsApart.objects.filter(student_id__in=student_ids).values_list("student_id", "other_id"):
        choices.apart.add(frozenset({a, b}))
    choices.never_mutualised = set(StudentPlanning.objects.filter(
        student_id__in=student_ids, mutualisation=Mutualisation.NEVER).values_list("student_id", flat=True))
    rules = PolePlanning.objects.filter(pole_id=pole_id).first()
    if rules is not None:
        choices.max_aesh_per_student = rules.max_aesh_per_student
        choices.students_per_mutualised_slot = rules.students_per_mutualised_slot
    return choices


def groups(students: list, size: int, choices: Choices) -> list[list]:
    """Students of the same courses in mutualised groups of at most `size`: a student who is
    never mutualised is alone, and no group holds two students kept apart."""
    out: list[list] = []
    for student in students:
        if student.pk in choices.never_mutualised:
            out.append([student])
            continue
        home = next((g for g in out if len(g) < size and g[0].pk not in choices.never_mutualised
                     and choices.may_share(student.pk, [s.pk for s in g])), None)
        if home is None:
            out.append([student])
        else:
            home.append(student)
    return out
