"""The values a code accepts, and the one text form each is stored in.

Used by the coding operations (before writing an annotation or clip value) and by codebook
updates (to refuse edits that would make stored values invalid). Works on anything shaped like
a ``Code`` row: ``kind``, ``value_type``, ``options`` (``[{"value", "label"}]``) and ``label``.
"""

from __future__ import annotations

import math
from typing import Any, Protocol


class CodeLike(Protocol):
    label: str
    kind: str
    value_type: str
    options: list[dict[str, Any]]


def normalize_value(code: CodeLike, value: Any) -> str | None:
    """``value`` as stored for ``code``; raise ``ValueError`` naming the code and the problem.

    ``None`` (or an empty text) means "no value yet" and is accepted for every value type.
    Time-anchored ``presence`` codes carry no value: the annotation itself is the presence.
    A clip-level ``presence`` variable takes ``True``/``False`` or its stored ``"1"``/``"0"``.
    Nominal/ordinal values must be one of the listed option values; numbers are stored in
    their shortest exact spelling (``3`` not ``3.0``).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    value_type = code.value_type
    if value_type == "presence" and code.kind != "clip":
        raise ValueError(f"'{code.label}' marks presence only and takes no value (got {value!r})")
    if value_type == "presence" and isinstance(value, bool):
        return "1" if value else "0"
    if value_type in ("presence", "nominal", "ordinal"):
        return _listed_value(code, value)
    if value_type == "number":
        return _number(code, value)
    if value_type == "text":
        return str(value)
    raise ValueError(f"'{code.label}' has an unknown value type '{value_type}'")


def _listed_value(code: CodeLike, value: Any) -> str:
    allowed = [str(option["value"]) for option in code.options]
    text = (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None
    )
    if text not in allowed:
        raise ValueError(
            f"{value!r} is not a value of '{code.label}' (one of {', '.join(allowed)})"
        )
    return text


def _number(code: CodeLike, value: Any) -> str:
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise ValueError(f"'{code.label}' takes a number, not {value!r}")
    return str(int(number)) if number.is_integer() else repr(number)


def value_label(code: CodeLike, stored: str | None) -> str:
    """Human label of a stored value (the option label for listed values)."""
    if stored is None:
        return ""
    for option in code.options:
        if str(option["value"]) == stored:
            return str(option["label"])
    return stored
