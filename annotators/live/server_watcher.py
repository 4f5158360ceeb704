"""Watching a server project: ``LISTEN`` for the notices the triggers of migration 0006 send.

Each committed insert, update or delete on a watched table sends one notice (PostgreSQL
drops duplicates within a transaction) with the table, the clip and the writer's *origin*:
a tag this process sets on its own connections, so its own changes are not reported back.
The notices wait in the listening connection until :meth:`ServerWatcher.wait` reads them.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable
from typing import Any

import psycopg
from sqlalchemy import Engine, event

from .changes import CHANNEL, WATCHED_TABLES, Change, parse_notice

# the session setting the triggers read to name the writer (a custom "class.name" setting)
ORIGIN_SETTING = "storyframe.origin"


def tag_origin(engine: Engine) -> str:
    """Give every connection ``engine`` hands out the setting :data:`ORIGIN_SETTING` (set
    once per connection, on its first checkout); return the tag."""
    origin = uuid.uuid4().hex

    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get(ORIGIN_SETTING) == origin:
            return
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, false)", (ORIGIN_SETTING, origin))
        dbapi_connection.commit()  # the setting lives on; the transaction it opened must not
        record.info[ORIGIN_SETTING] = origin

    event.listen(engine, "checkout", on_checkout)
    return origin


class ServerWatcher:
    """:class:`~.watcher.ChangeWatcher` of the server project behind ``engine``."""

    def __init__(self, engine: Engine) -> None:
        self._origin = tag_origin(engine)
        args, kwargs = engine.dialect.create_connect_args(engine.url)
        self._connect_args = (args, {**kwargs, "autocommit": True})
        self._closed = threading.Event()
        self._busy = threading.Lock()  # held by wait(): close() then leaves the closing to it
        self._connection: psycopg.Connection | None = self._listen()

    def _listen(self) -> psycopg.Connection:
        args, kwargs = self._connect_args
        connection = psycopg.connect(*args, **kwargs)
        connection.execute(f"LISTEN {CHANNEL}")
        return connection

    def wait(self, timeout: float) -> list[Change]:
        """See :meth:`~.watcher.ChangeWatcher.wait`. After a lost server connection, every
        table is reported as changed once it is back (notices sent meanwhile are gone)."""
        with self._busy:
            try:
                return self._read(timeout)
            finally:
                if self._closed.is_set() and self._connection is not None:
                    self._connection.close()

    def _read(self, timeout: float) -> list[Change]:
        if self._closed.is_set():
            return []
        if self._connection is None or self._connection.closed:
            return self._reconnect(timeout)
        changes: dict[Change, None] = {}
        try:
            for notice in self._connection.notifies(timeout=timeout, stop_after=1):
                self._add(notice.payload, changes)
            # the rest of a burst (one transaction's clips), without waiting again
            for notice in self._connection.notifies(timeout=0.02):
                self._add(notice.payload, changes)
        except psycopg.OperationalError:
            self._connection.close()
            return []  # the next wait reconnects
        return list(changes)

    def _reconnect(self, timeout: float) -> list[Change]:
        try:
            self._connection = self._listen()
        except psycopg.OperationalError:
            self._closed.wait(timeout)  # the server is still away: try again next time
            return []
        return [Change(table) for table in WATCHED_TABLES]

    def _add(self, payload: str, changes: dict[Change, None]) -> None:
        parsed = parse_notice(payload)
        if parsed is not None and parsed[1] != self._origin:
            changes[parsed[0]] = None

    def absorb(self, tables: Iterable[str]) -> None:
        """Nothing to do: this process's notices carry its origin and are dropped."""

    def close(self) -> None:
        """See :meth:`~.watcher.ChangeWatcher.close`."""
        self._closed.set()
        if self._busy.acquire(blocking=False):
            try:
                if self._connection is not None:
                    self._connection.close()
            finally:
                self._busy.release()
