"""Parse what a coder types into the "go to" fields: a frame number or a time."""

from __future__ import annotations

import re

_CLOCK = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+(?:[.,]\d*)?)$")


def parse_time(text: str) -> float | None:
    """Seconds for ``hh:mm:ss.mmm``, ``mm:ss.mmm``, ``ss.mmm`` or ``12.5s``; None if not a time."""
    text = text.strip().lower().removesuffix("s").strip()
    match = _CLOCK.match(text)
    if match is None:
        return None
    first, second, seconds = match.groups()
    hours, minutes = (first, second) if second is not None else (None, first)
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds.replace(",", "."))


def parse_position(text: str) -> tuple[str, float] | None:
    """``("frame", n)`` for a bare integer, ``("time", s)`` for a time, None for anything else."""
    text = text.strip()
    if text.isdigit():
        return ("frame", int(text))
    seconds = parse_time(text)
    return None if seconds is None else ("time", seconds)
