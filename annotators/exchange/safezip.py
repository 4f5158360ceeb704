"""Reading zip archives (``.qdpx``) defensively: zip bombs, zip slip, truncated files.

Only member names are inspected and chosen members read into memory with hard caps; nothing
is ever extracted to disk, so a name like ``../../etc/passwd`` cannot escape anywhere, and
such names are refused anyway so a hostile archive is reported as what it is.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from annotators.errors import ExportError

MAX_MEMBER_BYTES = 256 * 1024 * 1024  # one member, uncompressed
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # all members, as declared
MAX_RATIO = 200  # uncompressed / compressed, beyond which a member is a bomb
MAX_MEMBERS = 100_000


def open_zip(path: Path) -> zipfile.ZipFile:
    """``path`` opened as a zip after checking every member's name and declared size."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError) as error:
        raise ExportError(f"{path}: not a readable zip archive ({error})") from None
    except OSError as error:
        raise ExportError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        _check_members(path, archive.infolist())
    except ExportError:
        archive.close()
        raise
    return archive


def _check_members(path: Path, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise ExportError(f"{path}: {len(members)} members, more than {MAX_MEMBERS}")
    total = 0
    for info in members:
        name = PurePosixPath(info.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or ":" in info.filename:
            raise ExportError(f"{path}: member {info.filename!r} points outside the archive")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or (info.file_size > 1_000_000 and ratio > MAX_RATIO):
            raise ExportError(
                f"{path}: member {info.filename!r} unpacks to {info.file_size} bytes "
                f"(ratio {ratio:.0f}:1), refused as a zip bomb"
            )
    if total > MAX_TOTAL_BYTES:
        raise ExportError(f"{path}: members unpack to {total} bytes in all, refused")


def read_member(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of member ``name``, never more than its declared size (checked on read)."""
    info = archive.getinfo(name)
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise ExportError(f"{path}: member {name!r} is damaged ({error})") from None
    if len(data) > info.file_size:
        raise ExportError(f"{path}: member {name!r} is larger than it declares, refused")
    return data
