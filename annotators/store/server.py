"""Server projects: a small project file that points to a PostgreSQL database.

The file is TOML, written once by ``storyframe init --database URL`` and copied to every
coder's machine; it holds the database URL (never a password: libpq reads those from
``~/.pgpass`` or a service file) and the project's id, which names the machine-local media
mapping. Opening it opens the server project in the app, the CLI and Python alike.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from annotators.errors import ProjectError

POINTER_HEADER = "# Storyframe server project"
# A pointer file is a few lines; anything larger is not one (and is not read whole).
MAX_POINTER_BYTES = 16_384
SERVER_SCHEMES = ("postgresql", "postgres")
# Statements that wait longer than this for a row or table lock give up with an error the
# user sees, instead of hanging the app behind another machine's stuck transaction.
LOCK_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Pointer:
    """What a server project file says: the database URL and the project's id."""

    database: str
    project_id: str


def server_url(text: str) -> URL:
    """The SQLAlchemy URL (psycopg driver) of the PostgreSQL database ``text`` names.

    Raises :class:`ProjectError` for a URL that is not PostgreSQL or that carries a
    password: a project file is shared between coders, so it must not hold one.
    """
    try:
        url = make_url(text.strip())
    except ArgumentError as error:
        raise ProjectError(f"{text!r} is not a database URL ({error})") from error
    backend = url.get_backend_name()
    if backend not in SERVER_SCHEMES:
        raise ProjectError(
            f"{backend} databases are not supported for team projects; use a PostgreSQL URL "
            "such as postgresql://host/dbname"
        )
    if url.password is not None:
        raise ProjectError(
            "the database URL holds a password; leave it out and put it in ~/.pgpass "
            "(or a libpq service file): the project file is shared with other coders"
        )
    return url.set(drivername="postgresql+psycopg")


def shown_url(url: URL) -> str:
    """``url`` as written in project files and messages (no driver name, no password)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=True)


def make_server_engine(url: URL) -> Engine:
    """Engine for the server database at ``url``.

    Connections are checked before use (a server restart or a laptop's sleep drops them),
    and statements give up after :data:`LOCK_TIMEOUT_MS` waiting for a lock.
    """
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"options": f"-c lock_timeout={LOCK_TIMEOUT_MS}", "connect_timeout": 10},
    )


def is_pointer_file(path: Path) -> bool:
    """True when ``path`` starts like a server project file."""
    with open(path, "rb") as handle:
        return handle.read(len(POINTER_HEADER)).decode("utf-8", "replace") == POINTER_HEADER


def read_pointer(path: Path) -> Pointer:
    """The database and project id that the server project file ``path`` names.

    Raises :class:`ProjectError` for an oversized, unreadable or incomplete file.
    """
    try:
        size = path.stat().st_size
        if size > MAX_POINTER_BYTES:
            raise ProjectError(f"{path} is too large ({size} bytes) to be a server project file")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ProjectError(f"{path} cannot be read as a server project file: {error}") from error
    table = data.get("storyframe")
    database = table.get("database") if isinstance(table, dict) else None
    project_id = table.get("project_id") if isinstance(table, dict) else None
    if not isinstance(database, str) or not isinstance(project_id, str):
        raise ProjectError(
            f"{path} is not a complete server project file (it needs [storyframe] "
            "database and project_id)"
        )
    return Pointer(database, project_id)


def pointer_text(pointer: Pointer) -> str:
    """The text of a server project file for ``pointer``."""
    return (
        f"{POINTER_HEADER}: the data lives in the PostgreSQL database below.\n"
        "# Copy this file to each coder's machine; passwords go in ~/.pgpass, never here.\n"
        "[storyframe]\n"
        f"database = {_toml_string(pointer.database)}\n"
        f"project_id = {_toml_string(pointer.project_id)}\n"
    )


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
