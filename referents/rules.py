"""Pure rules of the référent's toolbox: school days, what changed in a sheet, uploaded files,
contacts on a welcome sheet, tags and levels. No ORM."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable

# --- School days ----------------------------------------------------------------------------

def school_days_between(start: datetime.date, end: datetime.date,
                        is_day_off: Callable[[datetime.date], bool]) -> int:
    """School days d with start <= d < end: Monday to Friday, not a day off."""
    days, day = 0, start
    while day < end:
        if day.weekday() < 5 and not is_day_off(day):
            days += 1
        day += datetime.timedelta(days=1)
    return days


# --- Welcome sheets -------------------------------------------------------------------------

# A French mobile number (06, 07, +33 6/7): a person's own line, never on a sheet. The school's
# switchboard (01–05, 09) is what a newcomer should call.
_MOBILE = re.compile(r"(?<!\d)(?:\+33\s?|0033\s?|0)[67](?:[\s.\-]?\d{2}){4}(?!\d)")


def private_number_error(text: str) -> str | None:
    if _MOBILE.search(text or ""):
        return ("Ce texte contient un numéro de portable : indiquez à qui s'adresser par sa fonction et le "
                "standard de l'établissement, jamais un numéro personnel.")
    return None


def changed_fields(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The fields whose text differs (spaces at the ends ignored), in the order of `after`."""
    return [key for key, value in after.items() if (before.get(key) or "").strip() != (value or "").strip()]


# --- Uploaded documents ---------------------------------------------------------------------

# Extension → (content type served, signatures the first bytes must start with).
DOCUMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
}
DOCUMENT_MAX_MEGABYTES = 10


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def document_type(filename: str, head: bytes) -> tuple[str | None, str | None]:
    """(content type, None) when the file is what its name says; (None, French message) otherwise.
    The type served comes from the checked extension, never from what the browser declared."""
    ext = extension_of(filename)
    if ext not in DOCUMENT_TYPES:
        return None, ("Ce type de fichier n'est pas accepté : envoyez un fichier "
                      + ", ".join(sorted({e.upper() for e in DOCUMENT_TYPES})) + ".")
    content_type, signatures = DOCUMENT_TYPES[ext]
    if not head.startswith(signatures):
        return None, f"Le fichier ne ressemble pas à un fichier {ext.upper()} : il n'a pas été enregistré."
    return content_type, None


# --- Tags and levels ------------------------------------------------------------------------

def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tag_names(text: str) -> list[str]:
    """« autisme, Prise de notes ; autisme » → ['autisme', 'prise de notes']: split on commas or
    semicolons, spaces squeezed, lower case, each once, at most 40 characters."""
    names, seen = [], set()
    for part in re.split(r"[,;]", text or ""):
        name = " ".join(part.split()).lower()[:40]
        if name and fold(name) not in seen:
            seen.add(fold(name))
            names.append(name)
    return names


def tag_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:50]


def levels_value(levels: Iterable[str]) -> str:
    """Levels stored as « |COLLEGE|LYCEE| », so that one level filters with a LIKE on any database."""
    chosen = sorted(set(levels))
    return f"|{'|'.join(chosen)}|" if chosen else ""


def levels_of(value: str) -> list[str]:
    return [level for level in (value or "").split("|") if level]
