"""Time formatting shared by every export: milliseconds are the unit of record.

Times are rounded once to whole milliseconds, then split into fields with integer arithmetic,
so ``59.9996`` becomes ``00:01:00.000`` rather than ``00:00:59.1000``. Every seconds column
and timecode of an export goes through :func:`to_ms`, so they always agree with each other.
"""

from __future__ import annotations

import math


def to_ms(seconds: float) -> int:
    """Whole milliseconds nearest to ``seconds``, halves rounded up.

    Halves go up (not to even, as ``round`` does) to agree with SQLite's ``round()``, which the
    wide export uses to sum durations inside the database.
    """
    return math.floor(seconds * 1000 + 0.5)


def round_s(seconds: float | None) -> float | None:
    """``seconds`` rounded to millisecond precision; ``None`` stays ``None``."""
    return None if seconds is None else to_ms(seconds) / 1000


def seconds_text(seconds: float) -> str:
    """``seconds`` as text with exactly three decimals, rounded like :func:`to_ms`."""
    return f"{to_ms(seconds) / 1000:.3f}"


def timecode(seconds: float | None, decimal_sep: str = ".") -> str:
    """``hh:mm:ss.mmm`` for ``seconds`` (``""`` for ``None``); SRT passes ``decimal_sep=","``."""
    if seconds is None:
        return ""
    return ms_timecode(to_ms(max(seconds, 0.0)), decimal_sep)


def ms_timecode(ms: int, decimal_sep: str = ".") -> str:
    """``hh:mm:ss.mmm`` for a whole number of milliseconds."""
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal_sep}{ms:03d}"
