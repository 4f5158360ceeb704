"""Undo/redo for coding operations, Qt-free, driven by the desktop app's Edit menu.

An :class:`Action` is a labelled list of changes; each change knows the row states before
and after, so undo writes the "before" state back and redo the "after" state (same row
ids, same timestamps). Every do, undo and redo is one committed transaction. Before writing,
a change checks that the row is still as this history left it: when someone else changed it
meanwhile (another window, a CLI import), the undo is refused instead of overwriting work.
Annotations and clip values carry a ``version``: every write is ``UPDATE/DELETE ... WHERE
id = ? AND version = ?`` with ``version + 1``, so the check and the write are one atomic
statement; every do, undo and redo also holds the write lock from its first read.

The history is not thread-safe: drive it from one thread (the desktop app's database writer).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from annotators.errors import CodingError
from annotators.store.engine import begin_write
from annotators.store.portable import driver_message, sync_id_sequence

SessionFactory = Callable[[], AbstractContextManager[Session]]
R = TypeVar("R")
# Rows per statement when deleting by id: SQLite allows 32766 parameters per statement.
ID_CHUNK = 10_000


class Change(Protocol):
    """One reversible database change."""

    def undo(self, session: Session) -> None: ...

    def redo(self, session: Session) -> None: ...


def read_row(session: Session, table: Table, row_id: int) -> dict[str, Any] | None:
    """The row ``row_id`` of ``table`` as a column dict, or ``None`` when it does not exist."""
    found = session.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return dict(found) if found is not None else None


@dataclass(frozen=True)
class RowChange:
    """A row of ``table`` went from ``before`` to ``after`` (``None``: the row did not exist).

    For tables with a ``version`` column the states are compared without it: undo and redo
    restore the content and give the row a new, higher version.
    """

    table: Table
    row_id: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def undo(self, session: Session) -> None:
        _write(session, self.table, self.row_id, expected=self.after, state=self.before)

    def redo(self, session: Session) -> None:
        _write(session, self.table, self.row_id, expected=self.before, state=self.after)


TABLE_NAMES = {
    "annotation": "annotation",
    "clipvalue": "clip value",
    "wordcorrection": "word correction",
}


def describe_conflict(
    session: Session, table: Table, row_id: int, expected: dict[str, Any] | None
) -> str:
    """Why row ``row_id`` is not as ``expected``: deleted, re-created or which fields changed."""
    name = f"{TABLE_NAMES.get(table.name, table.name)} {row_id}"
    current = read_row(session, table, row_id)
    if current is None:
        return f"{name} was deleted by someone else"
    if expected is None:
        return f"{name} was created again by someone else"
    ignored = {"version", "updated_at"}
    fields = [k for k in current if k not in ignored and current[k] != expected.get(k)]
    what = ", ".join(fields) if fields else "its version"
    return f"{name} was changed by someone else ({what})"


def versioned_update(
    session: Session, table: Table, row_id: int, read: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    """``UPDATE table SET values, version = read.version + 1 WHERE id = row_id AND version =
    read.version``; return the row's new state. :class:`CodingError` naming what changed when
    another writer changed or deleted the row since ``read`` (then nothing is written)."""
    version = read["version"] + 1
    done = session.execute(
        update(table)
        .where(table.c.id == row_id, table.c.version == read["version"])
        .values(**values, version=version)
    )
    if done.rowcount != 1:
        raise CodingError(describe_conflict(session, table, row_id, read))
    return {**read, **values, "version": version}


def versioned_delete(session: Session, table: Table, row_id: int, read: dict[str, Any]) -> None:
    """Delete row ``row_id`` only if it still has ``read``'s version (else :class:`CodingError`)."""
    done = session.execute(
        delete(table).where(table.c.id == row_id, table.c.version == read["version"])
    )
    if done.rowcount != 1:
        raise CodingError(describe_conflict(session, table, row_id, read))


def _content(row: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if row is None else {k: v for k, v in row.items() if k != "version"}


def _write(
    session: Session,
    table: Table,
    row_id: int,
    *,
    expected: dict[str, Any] | None,
    state: dict[str, Any] | None,
) -> None:
    """Put row ``row_id`` into ``state`` after checking it is in ``expected``.

    Versioned tables: the content (all but ``version``) must match; the write itself is
    conditional on the version just read and stores ``version + 1``, so it is atomic with
    the check even without the transaction's write lock.
    """
    current = read_row(session, table, row_id)
    if _content(current) != _content(expected):
        raise CodingError(describe_conflict(session, table, row_id, expected))
    versioned = "version" in table.c
    if state is None:
        if versioned:
            versioned_delete(session, table, row_id, current)  # type: ignore[arg-type]
        else:
            session.execute(delete(table).where(table.c.id == row_id))
    elif current is None:
        # the very row comes back, version included: whoever read it at that version read
        # exactly this content, so their conditional write is still based on the truth
        session.execute(insert(table).values(**state))  # IntegrityError if re-created
    elif versioned:
        values = {k: v for k, v in state.items() if k not in ("id", "version")}
        versioned_update(session, table, row_id, current, values)
    else:
        session.execute(update(table).where(table.c.id == row_id).values(**state))


def insert_many(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, hashable values) with one ``executemany``.

    SQLAlchemy's per-row parameter handling costs more than SQLite's insert itself at
    100,000 rows, so each column's type conversion (the dialect's own bind processor) runs
    once per distinct value and the compiled statement goes to the driver directly. Values
    are stored exactly as ``session.execute(insert(table), rows)`` would store them.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    # SQLite's driver takes "?" (positional), psycopg "%(name)s" (named: the column keys)
    names = list(compiled.positiontup) if compiled.positional else list(rows[0])
    converters = []
    for index, name in enumerate(names):
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            converters.append((index, lru_cache(maxsize=4096)(processor)))
    values_of = operator.itemgetter(*names)
    params = []
    for row in rows:
        values = list(values_of(row))
        for index, convert in converters:
            values[index] = convert(values[index])
        params.append(
            tuple(values) if compiled.positional else dict(zip(names, values, strict=True))
        )
    session.connection().exec_driver_sql(compiled.string, params)


@dataclass(frozen=True)
class BulkInsert:
    """Many new rows of ``table`` (each dict includes its ``id``), e.g. an import."""

    table: Table
    rows: Sequence[dict[str, Any]]

    def undo(self, session: Session) -> None:
        ids = [row["id"] for row in self.rows]
        deleted = 0
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            query = delete(self.table).where(self.table.c.id.in_(chunk))
            if "version" in self.table.c:  # rows changed since the import are not undone
                query = query.where(self.table.c.version == self.rows[0]["version"])
            deleted += session.execute(query).rowcount
        if deleted != len(ids):
            raise CodingError(
                f"{len(ids) - deleted} of {len(ids)} {self.table.name} rows were changed or"
                " deleted by someone else"
            )

    def redo(self, session: Session) -> None:
        insert_many(session, self.table, self.rows)
        sync_id_sequence(session, self.table)


@dataclass(frozen=True)
class Action:
    """What one user command did: a menu ``label`` and its changes in the order applied."""

    label: str
    changes: tuple[Change, ...]


@dataclass
class History:
    """Undo and redo stacks of :class:`Action`; see the module docstring.

    ``listeners`` are called as ``listener(event, label)`` after every committed
    ``"do"``, ``"undo"`` and ``"redo"`` (the desktop app turns this into one Qt signal).
    """

    session_factory: SessionFactory
    limit: int = 1000
    listeners: list[Callable[[str, str], None]] = field(default_factory=list)
    _undo: list[Action] = field(default_factory=list)
    _redo: list[Action] = field(default_factory=list)

    def perform(
        self, work: Callable[[Session], tuple[R, str, list[Change]]], exclusive: bool = True
    ) -> R:
        """Run ``work(session)`` in one transaction, commit, and record what it did.

        ``work`` returns its result, the action's label and the changes it made; an action
        without changes (nothing was different) is not recorded. When ``work`` raises, the
        transaction is rolled back and nothing is recorded. ``exclusive=False`` is for work
        whose writes are each conditional on what it read (see
        :func:`~annotators.store.engine.begin_write`).
        """
        with self.session_factory() as session:
            begin_write(session, exclusive)  # the reads ``work`` checks are atomic with its writes
            result, label, changes = work(session)
            session.commit()
        if changes:
            self._undo.append(Action(label, tuple(changes)))
            del self._undo[: -self.limit]
            self._redo.clear()
            self._notify("do", label)
        return result

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        """Label of the action :meth:`undo` would revert (for "Undo Add 'Donate'...")."""
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def next_action(self, verb: str) -> Action | None:
        """The action :meth:`undo` (``verb="undo"``) or :meth:`redo` would apply next."""
        stack = self._undo if verb == "undo" else self._redo
        return stack[-1] if stack else None

    def undo(self) -> str:
        """Revert the last action; return its label. :class:`CodingError` when there is none,
        or when its rows were changed elsewhere (the action is then dropped, nothing written)."""
        action = self._pop(self._undo, "undo")
        self._run(action, reversed(action.changes), "undo")
        self._redo.append(action)
        self._notify("undo", action.label)
        return action.label

    def redo(self) -> str:
        """Apply the last undone action again; return its label."""
        action = self._pop(self._redo, "redo")
        self._run(action, iter(action.changes), "redo")
        self._undo.append(action)
        self._notify("redo", action.label)
        return action.label

    def clear(self) -> None:
        """Forget all actions (e.g. when another project is opened)."""
        self._undo.clear()
        self._redo.clear()

    def _pop(self, stack: list[Action], verb: str) -> Action:
        if not stack:
            raise CodingError(f"nothing to {verb}")
        return stack.pop()

    def _run(self, action: Action, changes: Iterator[Change], verb: str) -> None:
        with self.session_factory() as session:
            begin_write(session)
            try:
                for change in changes:
                    getattr(change, verb)(session)
            except (CodingError, IntegrityError) as error:
                # IntegrityError: e.g. a clip value restored by undo was set again elsewhere
                session.rollback()
                reason = driver_message(error) if isinstance(error, IntegrityError) else error
                raise CodingError(
                    f"cannot {verb} '{action.label}': {reason}; nothing was changed"
                ) from error
            session.commit()

    def _notify(self, event: str, label: str) -> None:
        for listener in list(self.listeners):
            listener(event, label)
