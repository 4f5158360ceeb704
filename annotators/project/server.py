"""Creating and opening server projects (PostgreSQL), behind :class:`~.core.Project`.

A server database is never upgraded implicitly: several machines share it, so opening one
at an older schema says to run ``storyframe db upgrade`` (which takes a lock and writes a
backup first, :mod:`annotators.store.server_upgrade`), and one at a newer schema is refused.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError

from annotators.errors import ProjectError
from annotators.store import migrate
from annotators.store.server import (
    Pointer,
    make_server_engine,
    pointer_text,
    read_pointer,
    server_url,
    shown_url,
)

PROJECT_ID_KEY = "project_id"


def create_server(path: Path, database: str) -> tuple[Engine, Pointer, bool]:
    """Prepare the PostgreSQL ``database`` for a project and write the project file ``path``.

    Returns the engine, what the file points to and whether the database already held a project
    (then the file joins it: that is how a second coder's machine gets its project file).
    An empty database gets the schema; a database holding other tables is refused.
    """
    url = server_url(database)
    engine = make_server_engine(url)
    try:
        project_id, joined = _prepare_database(engine)
        pointer = Pointer(shown_url(url), project_id)
        _write_pointer(path, pointer)
    except BaseException:
        engine.dispose()
        raise
    return engine, pointer, joined


def open_server(path: Path) -> tuple[Engine, Pointer]:
    """Engine of the server project whose file is ``path``, checked to be at this
    Storyframe's schema and to hold the project the file names."""
    pointer = read_pointer(path)
    engine = make_server_engine(server_url(pointer.database))
    try:
        revision = _revision(engine, pointer.database)
        check_revision(revision, pointer.database)
        stored = _project_id(engine)
        if stored != pointer.project_id:
            raise ProjectError(
                f"{path} names project {pointer.project_id}, but {pointer.database} holds "
                f"{stored or 'no project'}; ask for a current project file"
            )
    except BaseException:
        engine.dispose()
        raise
    return engine, pointer


def check_revision(revision: str | None, where: str) -> None:
    """:class:`ProjectError` unless ``revision`` is this Storyframe's schema."""
    if revision == migrate.HEAD_REVISION:
        return
    if revision is None:
        raise ProjectError(f"{where} holds no Storyframe project (it has no schema version)")
    if revision not in migrate.known_revisions(migrate.alembic_config()):
        raise ProjectError(
            f"{where} was upgraded by a newer Storyframe (schema {revision}); this version "
            f"knows up to schema {migrate.HEAD_REVISION}. Please update Storyframe."
        )
    raise ProjectError(
        f"{where} has schema {revision} and this Storyframe uses {migrate.HEAD_REVISION}: "
        "run 'storyframe db upgrade PROJECT' once (it backs the database up first), "
        "when no one else is working"
    )


def _prepare_database(engine: Engine) -> tuple[str, bool]:
    revision = _revision(engine, shown_url(engine.url))
    if revision is None:
        if inspect(engine).get_table_names():
            raise ProjectError(
                f"{shown_url(engine.url)} already holds tables that are not a Storyframe "
                "project; use an empty database"
            )
        migrate.upgrade(engine, migrate.alembic_config(engine))
    else:
        check_revision(revision, shown_url(engine.url))
    existing = _project_id(engine)
    if existing is not None:
        return existing, True
    project_id = uuid.uuid4().hex
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO projectmeta (key, value) VALUES (:key, :value)"),
            {"key": PROJECT_ID_KEY, "value": project_id},
        )
    return project_id, False


def _revision(engine: Engine, where: str) -> str | None:
    try:
        return migrate.current_revision(engine)
    except OperationalError as error:
        raise ProjectError(f"cannot reach {where}: {_first_line(error)}") from error


def _project_id(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT value FROM projectmeta WHERE key = :key"), {"key": PROJECT_ID_KEY}
            ).scalar()
    except DBAPIError as error:
        raise ProjectError(f"cannot read the project: {_first_line(error)}") from error


def _write_pointer(path: Path, pointer: Pointer) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:  # "x": never over an existing file
            handle.write(pointer_text(pointer))
    except FileExistsError as error:
        raise ProjectError(f"{path} already exists; open it instead of creating it") from error
    except OSError as error:
        raise ProjectError(f"cannot write the project file {path}: {error}") from error


def _first_line(error: BaseException) -> str:
    message = str(getattr(error, "orig", None) or error).strip()
    return message.splitlines()[0] if message else type(error).__name__
