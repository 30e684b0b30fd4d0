"""School levels as real files spell them, as a pure function.

A level is information, not a key: what normalize_level() does not recognise is
kept as written (Student.level_raw) and mapped later, in the admin's vocabulary
(LevelSpelling), which is passed in as `extra` and wins over the built-in rules.
"""

from __future__ import annotations

import re
import unicodedata

from eleves.enums import Level

_SIMPLE = {
    "ps": Level.PS, "petite section": Level.PS, "tps": Level.PS, "toute petite section": Level.PS,
    "ms": Level.MS, "moyenne section": Level.MS, "gs": Level.GS, "grande section": Level.GS,
    "cp": Level.CP, "ce1": Level.CE1, "ce2": Level.CE2, "cm1": Level.CM1, "cm2": Level.CM2,
    "6": Level.SIXIEME, "sixieme": Level.SIXIEME, "5": Level.CINQUIEME, "cinquieme": Level.CINQUIEME,
    "4": Level.QUATRIEME, "quatrieme": Level.QUATRIEME, "3": Level.TROISIEME, "troisieme": Level.TROISIEME,
    "2": Level.SECONDE, "seconde": Level.SECONDE, "1": Level.PREMIERE, "premiere": Level.PREMIERE,
    "t": Level.TERMINALE, "terminale": Level.TERMINALE,
}
_PRO = {Level.SECONDE: Level.SECONDE_PRO, Level.PREMIERE: Level.PREMIERE_PRO, Level.TERMINALE: Level.TERMINALE_PRO}
_SEGPA = {Level.SIXIEME: Level.SIXIEME_SEGPA, Level.CINQUIEME: Level.CINQUIEME_SEGPA,
          Level.QUATRIEME: Level.QUATRIEME_SEGPA, Level.TROISIEME: Level.TROISIEME_SEGPA}


def fold_level(text: object) -> str:
    """Lower case, no accents, one space: « 2nde PRO » → « 2nde pro »."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[\s_\-.()°']+", " ", plain).strip()


def _ordinal(word: str) -> str:
    """« 2nde », « 2de », « 2eme », « 2e », « 1ere », « 1re », « tle », « term » → 2, 1, t."""
    word = re.sub(r"^(\d)(?:nde|nd|de|eme|em|e|ere|er|re|ieme)$", r"\1", word)
    return {"tle": "t", "term": "t", "tale": "t", "terminale": "t"}.get(word, word)


def normalize_level(text: object, extra: dict[str, str] | None = None) -> str | None:
    """The Level of a spelling, or None when it is not recognised (keep it as written)."""
    folded = fold_level(text)
    if not folded:
        return None
    if extra and folded in extra:
        return extra[folded]
    folded = re.sub(r"\b(bts|cap)(\d)", r"\1 \2", folded)
    words = folded.replace("/", " / ").split()
    if "/" in words:  # a double level « CM1/CM2 »: the first one
        words = words[: words.index("/")] or words[words.index("/") + 1:]
    joined = " ".join(words)
    if joined in _SIMPLE:
        return _SIMPLE[joined]
    if "bts" in words:
        return Level.BTS2 if any(_ordinal(w) == "2" for w in words) else Level.BTS1
    if "uee" in words or "".join(words) == "uee" or joined.startswith("unite d enseignement externalise"):
        return Level.UEE
    if "cap" in words:
        return Level.CAP2 if any(_ordinal(w) == "2" for w in words) else Level.CAP1
    if ("prepa" in words and ("metiers" in words or "metier" in words)) or "3pm" in words:
        return Level.TROISIEME_PM
    if words and words[0] == "ulis":
        return Level.ULIS
    rest = [w for w in words if w not in ("ulis", "classe", "niveau")]
    base = _SIMPLE.get(_ordinal(rest[0])) if rest else None
    if base is None:
        return None
    if "pro" in rest or "professionnelle" in rest or ("bac" in rest and "pro" in joined):
        return _PRO.get(base)
    if "segpa" in rest:
        return _SEGPA.get(base)
    if len(rest) == 2 and _SIMPLE.get(_ordinal(rest[1])):  # « CM1-CM2 », « MS GS »: the first
        return base
    return base if len(rest) == 1 or rest[1:] in (["generale"], ["gt"], ["gen"]) else None
