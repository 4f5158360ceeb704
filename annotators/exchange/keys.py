"""Code keys from foreign names (tier names, REFI code names), valid in a codebook."""

from __future__ import annotations

import re
import unicodedata

_NOT_KEY = re.compile(r"[^a-z0-9]+")
MAX_KEY = 60


def key_from_name(name: str, taken: set[str]) -> str:
    """A codebook key (``^[a-z][a-z0-9_]*$``) for ``name``, not in ``taken`` (which it joins)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = _NOT_KEY.sub("_", ascii_name.lower()).strip("_")[:MAX_KEY] or "code"
    if not base[0].isalpha():
        base = f"c_{base}"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    taken.add(key)
    return key


def is_key(text: str) -> bool:
    """Whether ``text`` already is a valid key."""
    return bool(re.fullmatch(r"[a-z][a-z0-9_]*", text))
