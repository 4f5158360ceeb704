"""Shortcut keys of codes: one canonical spelling, and the keys the player already uses.

A shortcut is an optional chain of modifiers and one key: ``D``, ``1``, ``Shift+D``,
``Ctrl+Alt+F3``. Letters are case-insensitive (``d`` is ``D``), modifiers are put in one
order, so two spellings of the same key are recognised as a duplicate. The spelling is the
one ``QKeySequence`` understands, so the desktop app can use it as is.
"""

from __future__ import annotations

MODIFIERS = ("Ctrl", "Alt", "Shift", "Meta")
_FUNCTION_KEYS = {f"F{n}" for n in range(1, 13)}

# Keys the player and the Edit menu own (GUIDE section 4); a code cannot take them.
RESERVED_SHORTCUTS = {
    "Space": "play/pause",
    "J": "shuttle back",
    "K": "pause",
    "L": "shuttle forward",
    "[": "slower",
    "]": "faster",
    "Ctrl+Z": "undo",
    "Ctrl+Shift+Z": "redo",
    "Ctrl+Y": "redo",
}


def normalize_shortcut(text: str) -> str:
    """The canonical spelling of ``text``; raise ``ValueError`` saying what is wrong.

    Does not check :data:`RESERVED_SHORTCUTS` (see :func:`reserved_for`).
    """
    parts = text.strip().split("+")
    if text.strip() in ("+", ""):
        parts = [text.strip()]
    *modifier_parts, key = parts
    modifiers = set()
    for part in modifier_parts:
        match = [m for m in MODIFIERS if m.lower() == part.strip().lower()]
        if not match:
            raise ValueError(f"unknown modifier '{part}' (use {', '.join(MODIFIERS)})")
        modifiers.add(match[0])
    key = _normalize_key(key.strip())
    return "+".join([m for m in MODIFIERS if m in modifiers] + [key])


def _normalize_key(key: str) -> str:
    if key.lower() == "space":
        return "Space"
    if key.upper() in _FUNCTION_KEYS:
        return key.upper()
    if len(key) == 1 and key.isprintable() and not key.isspace():
        return key.upper()
    raise ValueError("a shortcut is one character or F1-F12, optionally with Ctrl/Alt/Shift/Meta+")


def reserved_for(shortcut: str) -> str | None:
    """What the player uses the canonical ``shortcut`` for, or ``None`` when it is free."""
    return RESERVED_SHORTCUTS.get(shortcut)
