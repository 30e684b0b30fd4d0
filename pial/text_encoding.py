"""Which encoding a CSV file was written in: the ones French offices produce, or a refusal.

Excel writes « CSV » in Windows-1252, « CSV UTF-8 » with a byte-order mark, and
« Texte Unicode » in UTF-16 (little-endian, with a mark); LibreOffice and scripts write
UTF-8, sometimes UTF-16 without a mark. A mark settles it; valid UTF-8 settles it (no
other text of these files is valid UTF-8 by chance); otherwise charset-normalizer
chooses between UTF-16 and Windows-1252 and its reading must be in Latin script. Any
other text (another alphabet, binary data) is refused with a French message.
"""

from __future__ import annotations

import codecs

import charset_normalizer

CANDIDATES = ["utf_16_le", "utf_16_be", "cp1252"]
# Unicode blocks a French table uses (charset-normalizer's names); « Control character »
# covers tabs and line breaks, NUL is refused apart.
LATIN_BLOCKS = frozenset({
    "Basic Latin", "Control character", "Latin-1 Supplement", "Latin Extended-A", "Latin Extended-B",
    "Latin Extended Additional", "General Punctuation", "Currency Symbols", "Letterlike Symbols",
    "Number Forms", "Spacing Modifier Letters",
})
ACCEPTED_LABEL = "UTF-8, UTF-16 ou Windows-1252"


class TextEncodingError(ValueError):
    """The message is French and names the file."""


def _refuse(filename: str, why: str) -> TextEncodingError:
    return TextEncodingError(
        f"Le fichier « {filename} » {why} : pial lit les CSV en {ACCEPTED_LABEL}. Dans le tableur, enregistrez-le "
        "en « CSV UTF-8 » (Excel) ou « Texte CSV » en Unicode UTF-8 (LibreOffice), puis envoyez-le de nouveau : "
        "rien n'a été importé."
    )


def encoding_of(data: bytes, filename: str) -> str:
    """The Python codec to read `data` with; TextEncodingError when it is none of ours."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    best = charset_normalizer.from_bytes(data, cp_isolation=CANDIDATES).best()
    if best is None:
        raise _refuse(filename, "n'est pas un texte lisible (données binaires ou encodage inconnu)")
    foreign = [block for block in best.alphabets if block not in LATIN_BLOCKS]
    if foreign:
        raise _refuse(filename, f"est écrit dans un encodage que pial ne lit pas (caractères « {foreign[0]} » à la "
                                "lecture)")
    return best.encoding


def decode_text(data: bytes, filename: str = "fichier") -> str:
    """The text of a CSV file, whatever its line endings (they are left to the CSV reader)."""
    try:
        text = data.decode(encoding_of(data, filename))
    except UnicodeDecodeError as error:
        raise _refuse(filename, f"est mal encodé (octet illisible en position {error.start})") from error
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _refuse(filename, f"contient un caractère nul à la ligne {line} (ce n'est pas un texte CSV)")
    return text
