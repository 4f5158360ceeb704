"""Helpers for the hostile-input tests: a digest of every row, and hostile names and texts."""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from annotators.store.server import (
    is_pointer_file,
    make_server_engine,
    read_pointer,
    server_url,
)

# Text that breaks naive code: Rich markup and emoji codes, quotes, formula starts, control
# characters, right-to-left marks, very long words.
HOSTILE_TEXTS = (
    "dir[/b]", "markup[red]x", "[bold]", ":smile:", "'quoted'", '"', "=1+1", "@cmd", "\t",
    "\u202eevil", "\u200b", "a\\b", "%s%n", "{0}", "${x}", "x" * 300, "é", "🙂", "NUL\x00",
)  # fmt: skip


def table_digest(project_file: Path) -> str:
    """sha256 over every row of every table of the project file (read-only connection), so a
    test can prove that a refused input changed nothing. A server project's file: over every
    row of its database."""
    if is_pointer_file(project_file):
        return server_digest(project_file)
    digest = hashlib.sha256()
    connection = sqlite3.connect(f"file:{project_file}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            digest.update(table.encode())
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr(row).encode())
    finally:
        connection.close()
    return digest.hexdigest()


def server_digest(project_file: Path) -> str:
    """sha256 over every row of every table of the server project ``project_file`` names
    (rows sorted by their text, so the digest does not depend on the scan order)."""
    digest = hashlib.sha256()
    with _server_engine(read_pointer(project_file).database).connect() as connection:
        for table in sorted(inspect(connection).get_table_names()):
            digest.update(table.encode())
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            for row in sorted(map(repr, map(tuple, rows))):
                digest.update(row.encode())
    return digest.hexdigest()


@functools.cache
def _server_engine(database: str) -> Engine:
    """One engine per server database for the whole session (a property test digests a
    project after every example; opening the project each time would check its schema)."""
    return make_server_engine(server_url(database))
