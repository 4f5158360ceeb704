"""Helpers for the hostile-input tests: a digest of every row, and hostile names and texts."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

# Text that breaks naive code: Rich markup and emoji codes, quotes, formula starts, control
# characters, right-to-left marks, very long words.
HOSTILE_TEXTS = (
    "dir[/b]", "markup[red]x", "[bold]", ":smile:", "'quoted'", '"', "=1+1", "@cmd", "\t",
    "\u202eevil", "\u200b", "a\\b", "%s%n", "{0}", "${x}", "x" * 300, "é", "🙂", "NUL\x00",
)  # fmt: skip


def table_digest(project_file: Path) -> str:
    """sha256 over every row of every table of the project file (read-only connection), so a
    test can prove that a refused input changed nothing."""
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
