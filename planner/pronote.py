"""ProNote iCal exports, one per student: read them, match each to a notified student, and
derive their weekly and fortnightly courses from two reference weeks.

Pure functions (no database): planner.pronote_import stages, shows and saves what they find.

- Reading tolerates what real exports hold: a byte-order mark or Windows-1252 text, folded
  lines, times in UTC or with a TZID (read in Europe/Paris), DURATION instead of DTEND,
  cancelled events, all-day events, the same event twice. A file that is not iCal, or an
  event without a start or ending before it starts, is an error naming the file and the event:
  the whole import is refused.
- A course is an event whose CATEGORIES say « Cours » (ProNote's), or, without categories, one
  whose text names no known non-course (room booking, integration day, national tests…);
  the others are listed and ignored.
- Matching: the birth date (in the file name or the calendar's name or description) first, then
  the name, normalised and compared fuzzily; a match on the name alone is flagged doubtful.
- Two reference weeks: a course in both is weekly, in one only is fortnightly (week A is the
  first; swapping exchanges A and B).
"""

from __future__ import annotations

import datetime
import difflib
import io
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import icalendar

from pial.sheet_reader import fold

PARIS = ZoneInfo("Europe/Paris")
MAX_FILES = 2000
MAX_TOTAL_BYTES = 30 * 1024 * 1024
NON_COURSE_WORDS = ("reservation", "integration", "evaluation nationale", "evaluations nationales", "sortie",
                    "voyage", "conseil de classe", "reunion", "journee", "ferie", "vacances", "stage en entreprise",
                    "permanence", "etude", "cantine", "demi pension")
CALNAME_PREFIXES = ("emploi du temps de", "emploi du temps", "agenda de", "edt de", "edt", "pronote", "calendrier de",
                    "calendrier", "eleve")
_DATES = [
    (re.compile(r"(?<!\d)(\d{1,2})[/.\-_ ](\d{1,2})[/.\-_ ](\d{4})(?!\d)"), ("d", "m", "y")),
    (re.compile(r"(?<!\d)(\d{4})[/.\-_ ](\d{1,2})[/.\-_ ](\d{1,2})(?!\d)"), ("y", "m", "d")),
    (re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)"), ("d", "m", "y")),
]


class PronoteError(ValueError):
    """French, names the file and the event."""


@dataclass(frozen=True)
class Event:
    start: datetime.datetime   # naive, Paris time
    end: datetime.datetime
    summary: str
    subject: str
    course: bool
    reason: str = ""           # why it is not a course

    @property
    def monday(self) -> datetime.date:
        day = self.start.date()
        return day - datetime.timedelta(days=day.weekday())

    @property
    def label(self) -> str:
        return f"« {self.summary or 'sans titre'} » du {self.start:%d/%m/%Y} à {self.start:%H:%M}"


@dataclass
class ExportFile:
    filename: str
    name: str                           # the student's name as the file gives it
    birth_date: datetime.date | None
    events: list[Event] = field(default_factory=list)

    @property
    def courses(self) -> list[Event]:
        return [e for e in self.events if e.course]

    @property
    def others(self) -> list[Event]:
        return [e for e in self.events if not e.course]


@dataclass(frozen=True)
class Candidate:
    """A student of the pôle the files may be matched to."""

    id: int
    last_name: str
    first_name: str
    birth_date: datetime.date


@dataclass(frozen=True)
class Match:
    filename: str
    student_id: int | None
    confidence: int                     # 0–100
    doubtful: bool
    how: str                            # in French


@dataclass(frozen=True)
class DerivedCourse:
    weekday: int
    start: datetime.time
    end: datetime.time
    week: str                           # "", "A" or "B"
    subject: str


# --- Reading ------------------------------------------------------------------------

def unpack(uploads: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """(name, content) of every .ics sent, zips opened (folders inside included)."""
    found: list[tuple[str, bytes]] = []
    total = 0
    for name, data in uploads:
        if name.lower().endswith(".zip"):
            try:
                archive = zipfile.ZipFile(io.BytesIO(data))
                members = [m for m in archive.infolist() if not m.is_dir()]
            except zipfile.BadZipFile as error:
                raise PronoteError(f"Fichier « {name} » : ce n'est pas une archive zip lisible. "
                                   "Rien n'a été importé.") from error
            for member in members:
                base = member.filename.rsplit("/", 1)[-1]
                if member.filename.startswith("__MACOSX/") or base.startswith(".") or \
                        not base.lower().endswith(".ics"):
                    continue
                total += member.file_size
                if total > MAX_TOTAL_BYTES:
                    raise PronoteError(f"Archive « {name} » : plus de {MAX_TOTAL_BYTES // 1024 // 1024} Mo de "
                                       "calendriers. Rien n'a été importé.")
                found.append((base, archive.read(member)))
        elif name.lower().endswith(".ics"):
            total += len(data)
            found.append((name.rsplit("/", 1)[-1], data))
        else:
            raise PronoteError(f"Fichier « {name} » : seuls les calendriers .ics et les archives .zip de "
                               "calendriers sont acceptés. Rien n'a été importé.")
        if len(found) > MAX_FILES:
            raise PronoteError(f"Plus de {MAX_FILES} calendriers envoyés : découpez l'envoi. Rien n'a été importé.")
    if not found:
        raise PronoteError("Aucun calendrier .ics dans l'envoi. Rien n'a été importé.")
    return found


def _text(data: bytes) -> str:
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _local(value, filename: str, what: str) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(PARIS)
        return value.replace(tzinfo=None, second=0, microsecond=0)
    return None  # a date: an all-day event


def _description_lines(description: str) -> dict[str, str]:
    lines = {}
    for line in re.split(r"\r?\n|\\n", description):
        key, sep, value = line.partition(":")
        if sep and value.strip():
            lines.setdefault(fold(key), value.strip())
    return lines


def _subject(summary: str, description: str) -> str:
    lines = _description_lines(description)
    for key in ("matiere", "cours", "enseignement"):
        if lines.get(key):
            return lines[key][:80]
    return re.split(r"\s+[-–]\s+", summary, maxsplit=1)[0].strip()[:80]


def _classify(component, summary: str, description: str) -> tuple[bool, str]:
    categories = []
    for value in (component.get("CATEGORIES") if isinstance(component.get("CATEGORIES"), list)
                  else [component.get("CATEGORIES")] if component.get("CATEGORIES") is not None else []):
        cats = getattr(value, "cats", None)
        categories += [str(c) for c in cats] if cats is not None else [str(value)]
    categories = [c.strip() for c in categories if fold(c)]
    if categories:
        if any(fold(c) == "cours" or fold(c).startswith("cours ") for c in categories):
            return True, ""
        return False, f"catégorie « {categories[0]} »"
    text = fold(f"{summary} {description}")
    for word in NON_COURSE_WORDS:
        if re.search(rf"\b{word}\b", text):
            return False, f"« {word} » n'est pas un cours"
    return True, ""


def birth_date_in(*texts: str) -> datetime.date | None:
    for text in texts:
        for pattern, order in _DATES:
            for found in pattern.finditer(text or ""):
                parts = dict(zip(order, (int(g) for g in found.groups()), strict=True))
                try:
                    day = datetime.date(parts["y"], parts["m"], parts["d"])
                except ValueError:
                    continue
                if 1990 <= day.year <= 2030:
                    return day
    return None


def _name_in(calname: str, filename: str) -> str:
    stem = filename.rsplit(".", 1)[0]
    for raw in (calname, stem):
        text = re.sub(r"\d+", " ", fold(raw))
        for prefix in CALNAME_PREFIXES:
            text = re.sub(rf"^\s*{prefix}\b", " ", text).strip()
        text = " ".join(w for w in text.split() if w not in ("de", "du", "ical", "ics", "export", "cours"))
        if text:
            return text
    return ""


def read_file(filename: str, data: bytes) -> ExportFile:
    try:
        calendar = icalendar.Calendar.from_ical(_text(data))
    except Exception as error:
        raise PronoteError(f"Fichier « {filename} » : ce n'est pas un calendrier iCal lisible ({error}). "
                           "Exportez-le de nouveau depuis ProNote ; rien n'a été importé.") from error
    if calendar.name != "VCALENDAR":
        raise PronoteError(f"Fichier « {filename} » : ce n'est pas un calendrier iCal (BEGIN:VCALENDAR). "
                           "Rien n'a été importé.")
    calname = str(calendar.get("X-WR-CALNAME") or "")
    caldesc = str(calendar.get("X-WR-CALDESC") or "")
    export = ExportFile(filename=filename, name=_name_in(calname, filename),
                        birth_date=birth_date_in(filename, calname, caldesc))
    seen = set()
    for number, component in enumerate(calendar.walk("VEVENT"), start=1):
        summary = str(component.get("SUMMARY") or "").strip()
        description = str(component.get("DESCRIPTION") or "")
        where = f"Fichier « {filename} », événement n° {number} « {summary or 'sans titre'} »"
        if component.get("DTSTART") is None:
            raise PronoteError(f"{where} : il n'a pas de début (DTSTART). Rien n'a été importé.")
        try:
            raw_start = component.decoded("DTSTART")
            raw_end = (component.decoded("DTEND") if component.get("DTEND") is not None
                       else raw_start + component.decoded("DURATION") if component.get("DURATION") is not None
                       else None)
        except Exception as error:
            raise PronoteError(f"{where} : date ou heure illisible ({error}). Rien n'a été importé.") from error
        start, end = _local(raw_start, filename, "début"), _local(raw_end, filename, "fin") if raw_end else None
        if start is None:  # all-day
            day = raw_start if isinstance(raw_start, datetime.date) else None
            moment = datetime.datetime.combine(day, datetime.time(0)) if day else None
            if moment:
                export.events.append(Event(moment, moment, summary, "", course=False, reason="journée entière"))
            continue
        if end is None:
            raise PronoteError(f"{where} du {start:%d/%m/%Y} : il n'a pas de fin (DTEND ou DURATION). "
                               "Rien n'a été importé.")
        if end <= start:
            raise PronoteError(f"{where} du {start:%d/%m/%Y} : la fin ({end:%H:%M}) ne suit pas le début "
                               f"({start:%H:%M}). Rien n'a été importé.")
        if fold(component.get("STATUS")) == "cancelled":
            export.events.append(Event(start, end, summary, "", course=False, reason="cours annulé"))
            continue
        key = (start, end, fold(summary))
        if key in seen:
            continue
        seen.add(key)
        is_course, reason = _classify(component, summary, description)
        if is_course and (start.weekday() > 4 or start.date() != end.date()):
            is_course, reason = False, "hors des journées de classe (lundi à vendredi)"
        export.events.append(Event(start, end, summary, _subject(summary, description) if is_course else "",
                                   course=is_course, reason=reason))
    return export


def read_all(uploads: list[tuple[str, bytes]]) -> list[ExportFile]:
    """Every file or none: the first error stops the import."""
    return [read_file(name, data) for name, data in unpack(uploads)]


# --- Matching -----------------------------------------------------------------------

def _tokens(text: str) -> str:
    return " ".join(sorted(fold(text).replace("-", " ").split()))


def name_score(file_name: str, candidate: Candidate) -> float:
    """0–1: how alike the names are, whatever the order of first and last name."""
    a = _tokens(file_name)
    b = _tokens(f"{candidate.last_name} {candidate.first_name}")
    return difflib.SequenceMatcher(None, a, b).ratio() if a and b else 0.0


def match(export: ExportFile, candidates: list[Candidate]) -> Match:
    scored = sorted(((name_score(export.name, c), c) for c in candidates), key=lambda x: (-x[0], x[1].id))
    if export.birth_date:
        same_day = [(s, c) for s, c in scored if c.birth_date == export.birth_date]
        if same_day and same_day[0][0] >= 0.5:
            score, found = same_day[0]
            twin = len(same_day) > 1 and same_day[1][0] >= score - 0.05
            spelled = "même orthographe" if score >= 0.99 else f"nom proche à {round(score * 100)} %"
            return Match(export.filename, found.id, round(60 + 40 * score), doubtful=twin or score < 0.75,
                         how=f"date de naissance et nom ({spelled})"
                             + (" ; un autre élève est né le même jour" if twin else ""))
    if scored and scored[0][0] >= 0.8:
        score, found = scored[0]
        why = (f"date de naissance différente ({export.birth_date:%d/%m/%Y} dans le fichier, "
               f"{found.birth_date:%d/%m/%Y} pour l'élève)" if export.birth_date
               else "pas de date de naissance dans le fichier")
        return Match(export.filename, found.id, round(50 * score), doubtful=True,
                     how=f"nom seul, à {round(score * 100)} % — {why} : à vérifier")
    return Match(export.filename, None, 0, doubtful=True,
                 how="aucun élève notifié du pôle ne correspond : associez-le à la main ou laissez-le de côté")


# --- Reference weeks ----------------------------------------------------------------

def weeks_of(exports: list[ExportFile]) -> list[datetime.date]:
    return sorted({e.monday for x in exports for e in x.courses})


def proposed_weeks(exports: list[ExportFile]) -> tuple[datetime.date, datetime.date] | None:
    """The consecutive pair of weeks where most files have courses in both (then most courses)."""
    counts = [Counter(e.monday for e in x.courses) for x in exports]
    best, best_score = None, None
    for monday in weeks_of(exports):
        following = monday + datetime.timedelta(days=7)
        score = (sum(1 for c in counts if c[monday] and c[following]),
                 sum(c[monday] + c[following] for c in counts if c[monday] and c[following]))
        if score[0] and (best_score is None or score > best_score):
            best, best_score = (monday, following), score
    if best is None and (weeks := weeks_of(exports)):
        return weeks[0], weeks[0]
    return best


def derive(export: ExportFile, week_a: datetime.date, week_b: datetime.date, swap: bool = False) -> list[DerivedCourse]:
    """The file's courses of the two reference weeks: in both weekly, in one fortnightly. A course
    overlapping one kept earlier that week (two groups at once) is left out."""
    if swap:
        week_a, week_b = week_b, week_a
    by_week: dict[datetime.date, dict[tuple, str]] = defaultdict(dict)
    for event in sorted(export.courses, key=lambda e: (e.start, e.end, e.subject)):
        if event.monday not in (week_a, week_b):
            continue
        key = (event.start.weekday(), event.start.time(), event.end.time(), fold(event.subject))
        kept = by_week[event.monday]
        if any(k[0] == key[0] and k[1] < key[2] and key[1] < k[2] for k in kept):
            continue
        kept[key] = event.subject
    a, b = by_week.get(week_a, {}), by_week.get(week_b, {})
    if week_a == week_b:
        b = a
    out = []
    for key in sorted(set(a) | set(b)):
        week = "" if key in a and key in b else ("A" if key in a else "B")
        out.append(DerivedCourse(weekday=key[0], start=key[1], end=key[2], week=week,
                                 subject=a.get(key) or b.get(key) or ""))
    return out
