"""Checking a zip archive (XLSX and ODS are zip files) before anything parses it.

A few hundred kilobytes can inflate to gigabytes. The declared sizes are checked first
(instant), then every member is really inflated in bounded chunks, counting bytes and
stopping at the first limit crossed: the declared sizes and checksums of a zip can lie,
the inflated stream cannot. Nothing is kept in memory beyond one chunk.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

CHUNK = 1024 * 1024
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zip local file header, 30 bytes
# Below this, a member's compression ratio says nothing: tiny files cannot exhaust anything.
RATIO_FLOOR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int
    max_member_bytes: int
    max_total_bytes: int
    max_ratio: int


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} Mo"


def archive_problem(filename: str, data: bytes, limits: ArchiveLimits) -> str | None:
    """Why this archive is refused (a French sentence naming the file), or None."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return f"Le fichier « {filename} » n'est pas un classeur lisible (archive endommagée ou d'un autre format)."
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            return (f"Le fichier « {filename} » contient {len(members)} éléments, plus que les "
                    f"{limits.max_members} qu'un classeur peut avoir ici : il est refusé, rien n'a été lu.")
        if any(m.flag_bits & 0x1 for m in members):
            return (f"Le fichier « {filename} » est protégé par un mot de passe : enregistrez-le sans mot de passe "
                    "puis envoyez-le de nouveau.")
        declared = 0
        for member in members:
            declared += member.file_size
            problem = _size_problem(filename, member, member.file_size, declared, limits)
            if problem:
                return problem
        total = 0
        for member in members:
            try:
                inflated = _inflate(archive, data, member, min(limits.max_member_bytes,
                                                               limits.max_total_bytes - total) + 1)
            except (zipfile.BadZipFile, zlib.error, ValueError):
                return f"Le fichier « {filename} » est endommagé (élément « {member.filename} » illisible)."
            total += inflated
            problem = _size_problem(filename, member, inflated, total, limits)
            if problem:
                return problem
            if inflated != member.file_size:
                return (f"Le fichier « {filename} » est incohérent : l'élément « {member.filename} » ne fait pas la "
                        "taille annoncée. Il est refusé.")
    return None


def _size_problem(filename: str, member: zipfile.ZipInfo, size: int, total: int, limits: ArchiveLimits) -> str | None:
    name = member.filename
    if size > limits.max_member_bytes:
        return (f"Le fichier « {filename} » est refusé : une fois décompressé, son élément « {name} » dépasse "
                f"{_megabytes(limits.max_member_bytes)} (limite par élément). Rien n'a été lu.")
    if total > limits.max_total_bytes:
        return (f"Le fichier « {filename} » est refusé : une fois décompressé, il dépasse "
                f"{_megabytes(limits.max_total_bytes)} (limite totale). Rien n'a été lu.")
    if size > RATIO_FLOOR_BYTES and size > limits.max_ratio * max(member.compress_size, 1):
        return (f"Le fichier « {filename} » est refusé : son élément « {name} » se décompresse plus de "
                f"{limits.max_ratio} fois (un tableur ordinaire ne le fait pas). Rien n'a été lu.")
    return None


def _inflate(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo, cap: int) -> int:
    """Bytes the member really inflates to, counted up to `cap` (then returns at least cap)."""
    header = data[member.header_offset:member.header_offset + LOCAL_HEADER.size]
    if len(header) < LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("en-tête local absent")
    fields = LOCAL_HEADER.unpack(header)
    name_length, extra_length = fields[-2], fields[-1]
    start = member.header_offset + LOCAL_HEADER.size + name_length + extra_length
    raw = memoryview(data)[start:start + member.compress_size]
    if len(raw) < member.compress_size:
        raise zipfile.BadZipFile("élément tronqué")
    if member.compress_type == zipfile.ZIP_STORED:
        return len(raw)
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise ValueError("méthode de compression inconnue")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    for offset in range(0, len(raw), CHUNK):
        pending = raw[offset:offset + CHUNK]
        while pending:
            out = inflater.decompress(pending, CHUNK)
            size += len(out)
            if size >= cap:
                return size
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        if inflater.eof:
            break
    size += len(inflater.flush())
    if not inflater.eof:
        raise zipfile.BadZipFile("flux compressé incomplet")
    return size
