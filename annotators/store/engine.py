"""SQLite engine for one project file: WAL journal, foreign keys on, a busy timeout.

The pragmas are set on every new DBAPI connection (SQLAlchemy ``connect`` event), because
SQLite keeps ``foreign_keys`` and ``busy_timeout`` per connection, not per file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

# How long a writer waits for another connection's lock before failing (milliseconds).
# Generous because the desktop app's writer thread and a CLI command may overlap.
BUSY_TIMEOUT_MS = 10_000

SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of the SQLite file at ``path`` (absolute, so the CWD does not matter)."""
    return f"sqlite:///{Path(path).resolve()}"


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before it returns, so neither a killed process nor a
        # power cut loses a committed coding decision (NORMAL only survives the former).
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def make_engine(path: Path) -> Engine:
    """Engine for the SQLite project file at ``path`` with the project's pragmas applied.

    ``check_same_thread`` is off so one writer thread (desktop) may use sessions made
    elsewhere; SQLAlchemy's pool still hands each connection to one thread at a time.
    """
    engine = create_engine(
        sqlite_url(path),
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _set_pragmas)
    return engine


def looks_like_sqlite(path: Path) -> bool:
    """True when ``path`` starts with the SQLite file header (a zero-byte file does not)."""
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def begin_write(session: Any) -> None:
    """Start ``session``'s transaction as a writer (SQLite ``BEGIN IMMEDIATE``).

    Call it first in a session that reads and then writes what it read (an import checking
    for duplicates, an update checking a row version): the write lock is taken before the
    reads, so two processes doing the same thing run one after the other (each waits up to
    :data:`BUSY_TIMEOUT_MS`) instead of both reading "not there yet" and both inserting.
    pysqlite would otherwise start the transaction only at the first write. No-op on other
    databases and when the session's connection is already in a transaction.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
