"""How the review view words a disagreement and a consensus record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotators.codebook.values import value_label

from .disagreements import Disagreement


def disagreement_text(
    item: Disagreement, labels: dict[str, str], times: Callable[[int], float | None]
) -> str:
    """``Primary cause — Ana: Health · Ben: Environment`` (with ``at 1.20 s (frame 30)``);
    ``times(frame)`` is the frame's time, None while the clip's frame table is not loaded."""
    where = ""
    if item.frame is not None:
        seconds = times(item.frame)
        where = f" at {seconds:.2f} s" if seconds is not None else ""
        where += f" (frame {item.frame})"
    shown = " · ".join(f"{who}: {value if value is not None else '—'}"
                       for who, value in item.values.items())  # fmt: skip
    return f"{labels.get(item.code_key, item.code_key)}{where} — {shown}"


def settled_text(item: Disagreement, review: Any) -> str | None:
    """What the consensus layer of ``review`` (a :class:`~.review_data.ClipReview`) holds
    where ``item`` is, worded for the list (``consensus: Health``), or None while unsettled:
    a settled disagreement stays listed (the coders still differ) but marked as done."""
    if review.consensus is None:
        return None
    code = next((c for c in review.codes if c.key == item.code_key), None)
    if code is None:
        return None
    if item.frame is None:
        row = review.value(review.consensus.id, code.id)
        return None if row is None else f"consensus: {value_label(code, row.value)}"
    for row in review.annotations:
        end = row.start_frame if row.end_frame is None else row.end_frame
        mine = row.coder_id == review.consensus.id and row.code_id == code.id
        if mine and row.start_frame <= item.frame <= end:
            shown = value_label(code, row.value) if row.value is not None else "present"
            return f"consensus: {shown}"
    return None


def provenance_text(record: Any, labels: dict[str, str], frames: dict[str, int]) -> str:
    """One :class:`annotators.study.Provenance` as a line: what, how, from whom, by whom, when,
    why (``Primary cause: taken from Ben by Lee, 2026-12-01 10:02 — “note”``)."""
    what = labels.get(record.code_key, record.code_key)
    if record.target_uid in frames:
        what += f" @ frame {frames[record.target_uid]}"
    how = {"taken": f"taken from {record.source_coder}",
           "edited": f"taken from {record.source_coder}, edited",
           "new": "entered new"}.get(record.action, record.action)  # fmt: skip
    when = record.created_at.strftime("%Y-%m-%d %H:%M")
    note = f" — “{record.note}”" if record.note else ""
    return f"{what}: {how} by {record.reviewer}, {when}{note}"
