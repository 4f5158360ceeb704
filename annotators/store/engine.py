"""SQLite engine for one project file: WAL journal, foreign keys on, a busy timeout.

The pragmas are set on every new DBAPI connection (SQLAlchemy ``connect`` event), because
SQLite keeps ``foreign_keys`` and ``busy_timeout`` per connection, not per file.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event

# How long a writer waits for another connection's lock before failing (milliseconds).
# Generous because the desktop app's writer thread and a CLI command may overlap.
BUSY_TIMEOUT_MS = 10_000

SQLITE_MAGIC = b"SQLite format 3\x00"
# PostgreSQL advisory lock key every writer of a server project holds until it commits
WRITE_LOCK = 0x53465752  # "SFWR"


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of the SQLite file at ``path`` (absolute, so the CWD does not matter)."""
    return f"sqlite:///{Path(path).resolve()}"


def _set_read_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


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


def read_only_uri(path: Path) -> str:
    """SQLite URI opening ``path`` for reading only.

    ``mode=ro`` when SQLite can use the file's WAL index; ``immutable=1`` when it cannot
    (a WAL database in a read-only folder without its ``-shm`` file: then no other process
    can write it either, so treating it as unchanging is safe).
    """
    resolved = Path(path).resolve()
    uri = f"file:{quote(str(resolved))}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as probe:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return uri
    except sqlite3.OperationalError:
        return f"file:{quote(str(resolved))}?immutable=1"


def make_read_only_engine(path: Path) -> Engine:
    """Engine reading the project at ``path`` without ever writing it (or its folder)."""
    uri = read_only_uri(path)
    timeout = BUSY_TIMEOUT_MS / 1000
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout),
    )
    event.listen(engine, "connect", _set_read_pragmas)
    return engine


def integrity_problem(uri_or_path: str | Path) -> str | None:
    """``None`` when SQLite's ``PRAGMA quick_check`` finds the file sound, else its first
    complaint. Cheap (it reads every page once but checks no indexes against tables)."""
    uri = str(uri_or_path)
    try:
        if not uri.startswith("file:"):
            uri = read_only_uri(Path(uri_or_path))
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            rows = connection.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as error:
        return str(error)
    problems = [row[0] for row in rows if row[0] != "ok"]
    return "; ".join(problems) if problems else None


# SQLite's messages and what they mean for the user, first match wins
_SQLITE_PROBLEMS = (
    ("readonly", "the project is read-only (no write permission for the file or its folder)"),
    ("disk is full", "the disk is full"),
    ("disk i/o error", "the disk reported an I/O error (full, removed or failing)"),
    ("locked", "another program kept the project locked too long; try again"),
    ("malformed", "the project file is damaged (database disk image is malformed)"),
    # PostgreSQL (server projects)
    ("could not connect", "the project's database server cannot be reached"),
    ("connection refused", "the project's database server cannot be reached"),
    ("server closed the connection", "the connection to the database server was lost"),
    ("lock timeout", "another coder's change kept the rows locked too long; try again"),
    ("could not extend file", "the database server's disk is full"),
    ("no space left", "the database server's disk is full"),
)


def sqlite_problem(error: BaseException) -> str | None:
    """A short user-facing reason for a SQLite/SQLAlchemy ``error`` about the file or disk
    (read-only, full, I/O error, locked, damaged), or ``None`` when it is none of these."""
    text = str(getattr(error, "orig", None) or error).lower()
    for needle, reason in _SQLITE_PROBLEMS:
        if needle in text:
            return reason
    return None


def looks_like_sqlite(path: Path) -> bool:
    """True when ``path`` starts with the SQLite file header (a zero-byte file does not)."""
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def begin_write(session: Any, exclusive: bool = True) -> None:
    """Start ``session``'s transaction as a writer (SQLite ``BEGIN IMMEDIATE``).

    Call it first in a session that reads and then writes what it read (an import checking
    for duplicates, an update checking a row version): the write lock is taken before the
    reads, so two processes doing the same thing run one after the other (each waits up to
    :data:`BUSY_TIMEOUT_MS`) instead of both reading "not there yet" and both inserting.
    pysqlite would otherwise start the transaction only at the first write. On PostgreSQL
    it takes the transaction-scoped advisory lock :data:`WRITE_LOCK` instead (taking it
    again in the same transaction is free), unless ``exclusive`` is false: a single-row edit
    whose every write is conditional on what it read (an insert with a sequence id, an
    ``UPDATE ... WHERE version = ?``) is safe without it under PostgreSQL's row locks, and
    ten coders then do not queue behind each other. SQLite always takes its lock (a reader
    that later writes could otherwise fail with "database is locked" at once). No-op when a
    SQLite connection is already in a transaction.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql" and not exclusive:
        return
    if connection.dialect.name == "postgresql":
        # the same one-writer-at-a-time rule on a server: a transaction-scoped advisory lock
        # (released by commit or rollback); plain readers never wait for it
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        return
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
