"""What differs between the two backends (a SQLite file, a PostgreSQL server), in one place.

Core code that goes below the ORM (raw driver SQL, explicit ids, text ordering, snapshots,
driver error types) asks these helpers instead of assuming SQLite, so a server project
behaves exactly like a project file: the same rows, the same order, the same bytes out.
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String
from sqlmodel import Session


def driver_errors() -> tuple[type[BaseException], ...]:
    """The errors raw driver cursors raise (SQLAlchemy wraps only what goes through it):
    sqlite3's, and psycopg's once it is loaded. psycopg is imported only by a server
    project's engine (it costs 0.3 s of start-up), and without it none can be raised."""
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.Error,) if psycopg is None else (sqlite3.Error, psycopg.Error)


def dialect_name(bind: Session | Connection) -> str:
    """``"sqlite"`` or ``"postgresql"`` for a session or connection."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    return connection.dialect.name


def is_server(bind: Session | Connection) -> bool:
    """True on PostgreSQL (a server project)."""
    return dialect_name(bind) == "postgresql"


class _ByteOrder(FunctionElement):
    """A text column compared by its bytes (code points), whatever the database collation.

    A FunctionElement so that the column is part of SQLAlchemy's statement cache key.
    """

    type = String()
    inherit_cache = True


@compiles(_ByteOrder)
def _byte_order_default(element: _ByteOrder, compiler: Any, **kw: Any) -> str:
    # SQLite's default collation BINARY already compares UTF-8 bytes
    return compiler.process(element.clauses, **kw)


@compiles(_ByteOrder, "postgresql")
def _byte_order_postgresql(element: _ByteOrder, compiler: Any, **kw: Any) -> str:
    # "C" compares bytes: the same order as SQLite and as Python's sorted() on str
    return f'{compiler.process(element.clauses, **kw)} COLLATE "C"'


def byte_order(column: Any) -> ColumnElement:
    """``column`` for ORDER BY in code-point order on both backends (a server's database may
    use a natural-language collation, which would order "B" before "a" differently)."""
    return _ByteOrder(column)


def begin_snapshot(session: Session) -> Connection:
    """Make ``session``'s transaction one consistent read snapshot and return its connection.

    Must be the session's first use. SQLite: an explicit ``BEGIN`` (pysqlite only begins
    before writes, so each read would otherwise see a newer state). PostgreSQL: ``REPEATABLE
    READ, READ ONLY`` (the default READ COMMITTED takes a new snapshot per statement).
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        return session.connection(
            execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )
    connection = session.connection()
    connection.exec_driver_sql("BEGIN")
    return connection


def new_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` ids no row of ``table`` has, for rows inserted with explicit ids (so redo
    can insert the very same rows again).

    PostgreSQL: taken from the table's id sequence, so a writer adding rows at the same time
    (single edits do not wait for the write lock there) never gets one of them. SQLite: the
    ids after ``max(id)`` (every SQLite writer holds the write lock).
    """
    if count <= 0:
        return []
    if is_server(session):
        sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
        query = text(f"SELECT nextval({sequence}) FROM generate_series(1, :count)")
        return [int(value) for value in session.execute(query, {"count": count}).scalars()]
    first = (session.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return list(range(first, first + count))


def sync_id_sequence(session: Session, table: Table) -> None:
    """After rows were inserted into ``table`` with explicit ids, move PostgreSQL's id
    sequence past them, so the next insert without an id does not take a used one.
    No-op on SQLite (its rowid is always ``max(id) + 1``)."""
    if not is_server(session):
        return
    name = table.name
    sequence = session.execute(select(func.pg_get_serial_sequence(name, "id"))).scalar_one()
    # never backwards: a sequence already past max(id) (rows deleted at the end) stays there
    session.execute(
        text(
            f"SELECT setval(:sequence, greatest((SELECT coalesce(max(id), 0) FROM {name}), "
            f"(SELECT last_value FROM {sequence})))"
        ),
        {"sequence": sequence},
    )


def is_unique_violation(error: IntegrityError) -> bool:
    """True when ``error`` is a UNIQUE (or primary key) violation on either backend."""
    orig = error.orig
    if type(orig).__name__ == "UniqueViolation":  # psycopg.errors.UniqueViolation
        return True
    return "UNIQUE constraint failed" in str(orig)


def driver_message(error: BaseException) -> str:
    """The driver's own message for ``error``, first line only (PostgreSQL adds DETAIL and
    context lines that would break the one-line rule)."""
    message = str(getattr(error, "orig", None) or error).strip()
    return message.splitlines()[0] if message else type(error).__name__
