"""SQL helpers for the large exports: milliseconds and timestamp text computed by the
database, raw row streaming. Both backends give the same values, so exports are the same bytes.

:func:`ms` agrees exactly with :func:`~.timecode.to_ms`: ``floor(x * 1000 + 0.5)`` for
non-negative ``x`` (SQLite's ``round(x)`` is that rule; PostgreSQL's ``round`` of a double
rounds halves to even, so it gets ``floor`` spelled out). Negative times are clamped to 0
like :func:`~.timecode.timecode` does (presentation times start at 0).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection, Integer, Select, String, case, func, literal, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


def ms(column: Any) -> ColumnElement:
    """Whole milliseconds of a seconds column, as an SQL integer (``NULL`` stays ``NULL``)."""
    clamped = case((column < 0.0, literal(0.0)), else_=column)
    return _WholeMs(clamped)


class _WholeMs(FunctionElement):
    """``floor(seconds * 1000 + 0.5)`` as an integer, spelled per backend."""

    type = Integer()
    inherit_cache = True


@compiles(_WholeMs)
def _whole_ms_sqlite(element: _WholeMs, compiler: Any, **kw: Any) -> str:
    # SQLite's round(x) is floor(x + 0.5) for x >= 0 and needs no math extension
    return f"CAST(round(({compiler.process(element.clauses, **kw)}) * 1000) AS INTEGER)"


@compiles(_WholeMs, "postgresql")
def _whole_ms_postgresql(element: _WholeMs, compiler: Any, **kw: Any) -> str:
    return f"CAST(floor(({compiler.process(element.clauses, **kw)}) * 1000 + 0.5) AS INTEGER)"


def iso_text(column: Any) -> ColumnElement:
    """A stored UTC datetime as ISO 8601 text ending in ``Z``, microseconds always shown.

    SQLite keeps SQLAlchemy datetimes as ``YYYY-MM-DD HH:MM:SS.ffffff`` text; reading that text
    directly skips parsing 200,000 datetimes in Python for a 100,000-row export. PostgreSQL
    formats its timestamp the same way (its plain text form drops zero microseconds).
    """
    return _IsoText(column)


class _IsoText(FunctionElement):
    type = String()
    inherit_cache = True


@compiles(_IsoText)
def _iso_text_sqlite(element: _IsoText, compiler: Any, **kw: Any) -> str:
    text = func.replace(type_coerce(list(element.clauses)[0], String), " ", "T") + "Z"
    return compiler.process(text, **kw)


@compiles(_IsoText, "postgresql")
def _iso_text_postgresql(element: _IsoText, compiler: Any, **kw: Any) -> str:
    # a timestamptz: formatted in UTC whatever the server's or session's TimeZone
    column = compiler.process(element.clauses, **kw)
    return f"to_char(({column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"


def raw_query(conn: Connection, query: Select) -> Callable[..., Iterator[tuple]]:
    """A function running ``query`` (compiled once) and returning the driver's plain tuples.

    Compiled by SQLAlchemy as usual; only the per-row result processing is skipped (a third of
    the time of a 100,000-row export). Only for columns whose values need no conversion: text,
    numbers, and the text of :func:`iso_text`. Keyword arguments give the values of
    ``bindparam()``s (positional for sqlite3, named for psycopg).
    """
    compiled = query.compile(dialect=conn.dialect)
    dbapi = conn.connection.driver_connection

    def run(**params: Any) -> Iterator[tuple]:
        state = compiled.construct_expanded_state(params)
        if compiled.positional:
            return iter(dbapi.execute(state.statement, state.positional_parameters))
        return iter(dbapi.execute(state.statement, state.parameters))

    return run
