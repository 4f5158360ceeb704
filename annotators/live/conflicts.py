"""What someone else changed when an edit or undo of ours was refused (no lost update).

The coding core refuses a write over a row another writer changed (row versions,
:mod:`annotators.coding.history`) and says so in one line. This module reads the row as
it is now and sets it beside what we tried to write, field by field, with whose row it is
and when it was changed, so the app can show "theirs / yours" instead of only "refused".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session

from annotators.coding.history import Action, RowChange, read_row
from annotators.errors import CodingError
from annotators.store.models import Coder

from .changes import KINDS

SessionFactory = Callable[[], AbstractContextManager[Session]]
# columns that every write moves, or that follow the frames: never shown as "what changed"
BOOKKEEPING = {"id", "uid", "version", "updated_at", "created_at", "start_s", "end_s"}


@dataclass(frozen=True)
class FieldChange:
    """One field: its value in the database now (``theirs``) and what we tried (``yours``)."""

    name: str
    theirs: Any
    yours: Any


@dataclass(frozen=True)
class Conflict:
    """A refused write: the row, what differs, whose row it is and when it last changed.

    ``deleted``: the row is gone. ``kind`` names the view to reload (``data_changed``).
    """

    reason: str
    table: str
    row_id: int
    deleted: bool
    fields: tuple[FieldChange, ...]
    owner: str | None
    changed_at: datetime | None

    @property
    def kind(self) -> str:
        return KINDS.get(self.table, self.table)


class ConflictError(CodingError):
    """A :class:`CodingError` refused because of another writer, with the :class:`Conflict`."""

    def __init__(self, message: str, conflict: Conflict) -> None:
        super().__init__(message)
        self.conflict = conflict


def row_conflict(
    session_factory: SessionFactory,
    table: Table,
    row_id: int,
    yours: dict[str, Any] | None,
    reason: str,
    *,
    compared: Iterable[str] | None = None,
) -> Conflict:
    """The conflict on row ``row_id`` of ``table``: its current state beside ``yours`` (the
    state we tried to write, ``None`` for a delete), for the ``compared`` fields (default:
    every field that differs)."""
    with session_factory() as session:
        current = read_row(session, table, row_id)
        owner_id = (current or yours or {}).get("coder_id")
        coder = session.get(Coder, owner_id) if owner_id is not None else None
        owner = coder.name if coder is not None else None
    names = list(compared) if compared is not None else _names(current, yours)
    fields = tuple(
        FieldChange(name, (current or {}).get(name), (yours or {}).get(name))
        for name in names
        if name not in BOOKKEEPING and (current or {}).get(name) != (yours or {}).get(name)
    )
    stamp = (current or {}).get("updated_at")
    return Conflict(
        reason, table.name, row_id, current is None, fields, owner,
        stamp if isinstance(stamp, datetime) else None,
    )  # fmt: skip


def _names(*rows: dict[str, Any] | None) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row or {}))
    return list(names)


def history_conflict(
    session_factory: SessionFactory, action: Action, verb: str, reason: str
) -> Conflict | None:
    """The first row of ``action`` that someone else changed, for a refused ``verb``
    (``"undo"`` or ``"redo"``); ``None`` when no row of it differs (not a conflict)."""
    for change in action.changes:
        if not isinstance(change, RowChange):
            continue
        expected, yours = (
            (change.after, change.before) if verb == "undo" else (change.before, change.after)
        )
        with session_factory() as session:
            current = read_row(session, change.table, change.row_id)
        if _content(current) != _content(expected):
            return row_conflict(
                session_factory, change.table, change.row_id, yours, reason,
                compared=[n for n in _names(current, expected)
                          if (current or {}).get(n) != (expected or {}).get(n)],
            )  # fmt: skip
    return None


def _content(row: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if row is None else {k: v for k, v in row.items() if k not in BOOKKEEPING}


def edit_refused(
    session_factory: SessionFactory,
    table: Table,
    row_id: int,
    fields: dict[str, Any],
    expected_version: int | None,
    error: CodingError,
) -> CodingError:
    """What to raise for ``error``, a refused edit of ``fields`` on row ``row_id``: a
    :class:`ConflictError` when someone else changed or deleted the row since
    ``expected_version``, else ``error`` itself (an invalid value is not a conflict)."""
    with session_factory() as session:
        current = read_row(session, table, row_id)
    moved_on = expected_version is not None and current is not None
    if current is not None and not (moved_on and current.get("version") != expected_version):
        return error
    conflict = row_conflict(
        session_factory, table, row_id, {**(current or {}), **fields}, str(error),
        compared=list(fields),
    )  # fmt: skip
    return ConflictError(str(error), conflict)


def history_refused(
    session_factory: SessionFactory, action: Action | None, verb: str, error: CodingError
) -> CodingError:
    """What to raise for ``error``, a refused undo or redo of ``action``: a
    :class:`ConflictError` when one of its rows was changed by someone else, else ``error``."""
    conflict = (
        None if action is None else history_conflict(session_factory, action, verb, str(error))
    )
    return error if conflict is None else ConflictError(str(error), conflict)
