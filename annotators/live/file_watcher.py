"""Watching a SQLite project file: ``PRAGMA data_version`` polled, then per-clip fingerprints.

``data_version`` is a counter private to one connection that moves whenever another
connection (any process, or this one's other connections) commits: reading it costs
microseconds, so it is polled every :data:`POLL_S`. When it moves, a fingerprint of each
watched table, grouped by clip, is compared with the last one to tell which clips changed.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import zlib
from collections.abc import Iterable
from pathlib import Path

from annotators.store.engine import read_only_uri

from .changes import WATCHED_TABLES, Change

POLL_S = 0.1

# table -> (column naming the clip or None, aggregate expressions). An insert, update or
# delete moves at least one aggregate: versioned tables bump ``version`` and ``updated_at``
# on every write; the others hash the columns their views show (``sf_crc``, below).
FINGERPRINTS: dict[str, tuple[str | None, str]] = {
    "annotation": ("video_id", "count(*), max(id), total(version), max(updated_at)"),
    "clipvalue": ("video_id", "count(*), max(id), total(version), max(updated_at)"),
    "suggestion": ("video_id", "count(*), max(id), total(sf_crc(status, decided_at))"),
    "transcript": ("video_id", "count(*), max(id), total(is_current * id)"),
    "wordcorrection": (None, "count(*), max(id), max(updated_at), total(sf_crc(text, id))"),
    "video": ("id", "sf_crc(path, content_hash, file_name, language, platform_meta)"),
    "assignment": (
        "video_id",
        "count(*), max(id), total(sf_crc(coder_id, round, reliability, submitted_at))",
    ),
    "consensusrecord": (None, "count(*), max(id), total(sf_crc(target_uid, action, note))"),
    "codebook": (None, "count(*), total(version), max(updated_at)"),
    "code": (None, "count(*), max(id)"),
    "analysis": ("video_id", "count(*), max(id), total(is_current * id)"),
    "projectmeta": (None, "count(*), total(sf_crc(key, value))"),
}
assert set(FINGERPRINTS) == set(WATCHED_TABLES)

Fingerprint = dict[int | None, tuple[object, ...]]


def _crc(*values: object) -> int:
    """A 32-bit checksum of ``values`` (SQL function ``sf_crc``)."""
    return zlib.crc32("\x1f".join("\x00" if v is None else str(v) for v in values).encode())


class FileWatcher:
    """:class:`~.watcher.ChangeWatcher` of the SQLite project file at ``path``."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(
            read_only_uri(path), uri=True, check_same_thread=False, isolation_level=None
        )
        self._connection.create_function("sf_crc", -1, _crc, deterministic=True)
        self._lock = threading.Lock()  # the connection and the fingerprints
        self._closed = threading.Event()
        self._version = self._data_version()
        self._seen = {table: self._fingerprint(table) for table in FINGERPRINTS}

    def _data_version(self) -> int:
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def _fingerprint(self, table: str) -> Fingerprint:
        key, aggregates = FINGERPRINTS[table]
        if key == "id":  # one row per clip: its own checksum, no grouping
            rows = self._connection.execute(f"SELECT id, {aggregates} FROM {table}")
        elif key is not None:
            rows = self._connection.execute(
                f"SELECT {key}, {aggregates} FROM {table} GROUP BY {key}"
            )
        else:
            rows = (
                (None, *row)
                for row in self._connection.execute(f"SELECT {aggregates} FROM {table}")
            )
        return {row[0]: tuple(row[1:]) for row in rows}

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
            return self._compare()
        except sqlite3.Error:  # e.g. the file went away: nothing known changed; try again later
            return []

    def _compare(self) -> list[Change]:
        with self._lock:
            if self._closed.is_set():
                return []
            version = self._data_version()
            if version == self._version:
                return []
            self._version = version  # read before the fingerprints: a later commit moves it again
            changes: list[Change] = []
            for table in FINGERPRINTS:
                now = self._fingerprint(table)
                before = self._seen[table]
                changed = {k for k in now.keys() | before.keys() if now.get(k) != before.get(k)}
                changes.extend(Change(table, video_id) for video_id in sorted(changed, key=str))
                self._seen[table] = now
            return changes

    def absorb(self, tables: Iterable[str]) -> None:
        """See :meth:`~.watcher.ChangeWatcher.absorb`."""
        with self._lock:
            if self._closed.is_set():
                return
            for table in tables:
                if table in FINGERPRINTS:
                    self._seen[table] = self._fingerprint(table)

    def close(self) -> None:
        """See :meth:`~.watcher.ChangeWatcher.close`."""
        self._closed.set()
        with self._lock:
            self._connection.close()
