"""Watching a SQLite project file: ``PRAGMA data_version`` polled, then what moved.

``data_version`` is a counter private to one connection that moves whenever another
connection (any process, or this one's other connections) commits: reading it costs
microseconds, so it is polled every :data:`POLL_S`. When it moves, two cheap reads say what
changed, as fast on a million annotations as on ten:

- the rows of ``livechange`` (one per table and clip, kept by the triggers of migration
  0006) whose ``seq`` is past the last one seen: updated and deleted rows, re-inserted ones;
- per table, the rows with an id above the highest seen: appended rows (which the triggers
  leave out, so a bulk import pays nothing). After the top row of a table was deleted its
  id may be reused, so such a table reports a change of unknown clip.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from annotators.store.engine import read_only_uri

from .changes import WATCHED_TABLES, Change

POLL_S = 0.1
TOP = "#top"  # suffix of the livechange table name that marks "its top row was deleted"

# table -> SQL naming the clips of the rows with ``id > ?`` (None: the table is not per clip)
NEW_ROWS: dict[str, str | None] = {
    **{t: f"SELECT DISTINCT video_id FROM {t} WHERE id > ?" for t in WATCHED_TABLES},
    "video": "SELECT id FROM video WHERE id > ?",
    "wordcorrection": (
        "SELECT DISTINCT transcript.video_id FROM wordcorrection JOIN word ON word.id ="
        " wordcorrection.word_id JOIN transcript ON transcript.id = word.transcript_id"
        " WHERE wordcorrection.id > ?"
    ),
    "codebook": None,
    "code": None,
    "consensusrecord": None,
}
NEW_ROWS.pop("projectmeta")  # no integer id: its triggers log every change


class FileWatcher:
    """:class:`~.watcher.ChangeWatcher` of the SQLite project file at ``path``."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(
            read_only_uri(path), uri=True, check_same_thread=False, isolation_level=None
        )
        self._lock = threading.Lock()  # the connection and the marks below
        self._closed = threading.Event()
        self._version = self._data_version()
        self._seen = self._scalar("SELECT max(seq) FROM livechange") or 0
        self._top = {table: self._max_id(table) for table in NEW_ROWS}
        self._absorbed: dict[str, int] = {}  # table -> seq up to which its changes were ours

    def _scalar(self, sql: str, *args: object) -> int | None:
        return self._connection.execute(sql, args).fetchone()[0]

    def _data_version(self) -> int:
        return self._scalar("PRAGMA data_version") or 0

    def _max_id(self, table: str) -> int:
        # a bare max(id) is one b-tree lookup; coalesce() around it in SQL would scan the table
        return self._scalar(f"SELECT max(id) FROM {table}") or 0

    def wait(self, timeout: float) -> list[Change]:
        """See :meth:`~.watcher.ChangeWatcher.wait`."""
        deadline = time.monotonic() + timeout
        while not self._closed.is_set():
            changes = self._poll()
            if changes or time.monotonic() >= deadline:
                return changes
            self._closed.wait(min(POLL_S, max(0.0, deadline - time.monotonic())))
        return []

    def _poll(self) -> list[Change]:
        try:
            return self._read()
        except sqlite3.Error:  # e.g. the file went away: nothing known changed; try again later
            return []

    def _read(self) -> list[Change]:
        with self._lock:
            if self._closed.is_set():
                return []
            version = self._data_version()
            if version == self._version:
                return []
            self._version = version  # read before the rest: a later commit moves it again
            self._connection.execute("BEGIN")  # one snapshot for the reads below
            try:
                found = self._logged() + self._appended()
            finally:
                self._connection.execute("COMMIT")
            return list(dict.fromkeys(found))

    def _logged(self) -> list[Change]:
        rows = self._connection.execute(
            "SELECT tbl, video_id, seq FROM livechange WHERE seq > ? ORDER BY seq", (self._seen,)
        ).fetchall()
        if rows:
            self._seen = rows[-1][2]
        changes = []
        for table, video_id, seq in rows:
            name = table.removesuffix(TOP)
            if seq <= self._absorbed.get(name, 0):
                continue
            if table.endswith(TOP):  # a new row may now have an id at or below the top seen
                self._top[name] = min(self._top.get(name, 0), self._max_id(name))
                changes.append(Change(name))
            else:
                changes.append(Change(table, video_id or None))
        return changes

    def _appended(self) -> list[Change]:
        changes = []
        for table, sql in NEW_ROWS.items():
            top = self._max_id(table)
            if top <= self._top[table]:
                self._top[table] = top
                continue
            if sql is None:
                changes.append(Change(table))
            else:
                clips = self._connection.execute(sql, (self._top[table],)).fetchall()
                changes.extend(Change(table, clip) for (clip,) in clips)
            self._top[table] = top
        return changes

    def absorb(self, tables: Iterable[str]) -> None:
        """See :meth:`~.watcher.ChangeWatcher.absorb`."""
        with self._lock:
            if self._closed.is_set():
                return
            for table in tables:
                for name in (table, table + TOP):
                    seq = self._connection.execute(
                        "SELECT max(seq) FROM livechange WHERE tbl = ?", (name,)
                    ).fetchone()[0]
                    if seq is not None:
                        self._absorbed[table] = max(self._absorbed.get(table, 0), seq)
                if table in self._top:
                    self._top[table] = self._max_id(table)

    def close(self) -> None:
        """See :meth:`~.watcher.ChangeWatcher.close`."""
        self._closed.set()
        with self._lock:
            self._connection.close()
