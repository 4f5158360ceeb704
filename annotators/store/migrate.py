"""Schema versioning of project files with Alembic, run from code (no ``alembic.ini``).

:func:`prepare_for_open` is the one entry point used when a project is opened: it refuses
files made by a newer Storyframe, and upgrades older ones after a backup copy.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from annotators.errors import ProjectError

from .engine import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# The newest revision in MIGRATIONS_DIR (a test keeps the two equal). Opening a current
# project compares against this constant instead of importing Alembic, which costs ~0.3 s
# of the app's start-up; Alembic is loaded only to create or upgrade a file.
HEAD_REVISION = "0006_live"
# PostgreSQL advisory lock key held while a server database's schema is upgraded
MIGRATION_LOCK = 0x53464D47  # "SFMG"
# The transcription queue's tables (annotators.queue.schema) share a server project's
# database; they are procrastinate's, not this schema, so Alembic's comparisons leave them out.
QUEUE_TABLE_PREFIXES = ("procrastinate_", "storyframe_queue_")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` filter: every object but the queue's tables."""
    return not (type_ == "table" and name is not None and name.startswith(QUEUE_TABLE_PREFIXES))


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic config pointing at :data:`MIGRATIONS_DIR` (read at call time so tests can
    point it at a script folder with extra revisions)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        # ConfigParser interpolation reads "%" as a reference: escape it (URL-quoted names)
        url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision(config: Config) -> str:
    """The newest schema revision this code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "no migration revisions are packaged"
    return head


def current_revision(engine: Engine) -> str | None:
    """Revision stamped in the database, ``None`` when it has no ``alembic_version``."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, config: Config) -> None:
    """Bring the database at ``engine`` to the head revision, atomically.

    On SQLite it follows SQLite's procedure for schema changes: foreign keys off (batch
    migrations copy and drop tables that other rows point to), one explicit transaction
    (pysqlite does not wrap DDL in one by itself, so a crash mid-way would leave a
    half-migrated file), a foreign key check before the commit, foreign keys on again.
    """
    from alembic import command

    if engine.dialect.name != "sqlite":
        _upgrade_server(engine, config)
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # before BEGIN: ignored inside one
        try:
            connection.exec_driver_sql("BEGIN")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            _check_foreign_keys(connection)
            connection.commit()
        finally:
            config.attributes.pop("connection", None)
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _upgrade_server(engine: Engine, config: Config) -> None:
    """Upgrade a PostgreSQL database in one transaction (PostgreSQL's DDL is transactional,
    so a failure leaves it as it was), holding :data:`MIGRATION_LOCK` so two machines
    running ``storyframe db upgrade`` at once upgrade it once."""
    from alembic import command

    with engine.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
        finally:
            config.attributes.pop("connection", None)
            connection.rollback()


def _check_foreign_keys(connection: Connection) -> None:
    """Raise :class:`ProjectError` when a migration left rows pointing at missing rows."""
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        tables = sorted({row[0] for row in problems})
        raise ProjectError(f"the schema upgrade broke references in {', '.join(tables)}")


def known_revisions(config: Config) -> set[str]:
    """Every revision id in the script directory."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def backup_copy(path: Path, revision: str) -> Path:
    """Copy the project file next to itself before a migration and return the copy's path.

    Uses SQLite's online backup so changes still in the WAL file are included.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}-schema-{revision}{path.suffix}")
    source = sqlite3.connect(path)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target


def stored_revision(path: Path) -> str | None:
    """Revision stamped in the file at ``path``, ``None`` when it has no ``alembic_version``.

    Read with plain :mod:`sqlite3` and no pragmas, so a file that is not a project is left
    exactly as it was (the project engine would switch it to WAL mode).
    Raises :class:`sqlite3.DatabaseError` for a file SQLite cannot read.
    """
    with closing(sqlite3.connect(path)) as connection:
        table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if table is None:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else row[0]


def prepare_for_open(path: Path) -> Path | None:
    """Make the project at ``path`` current; return the backup's path when it was migrated.

    Raises :class:`ProjectError` for a file SQLite cannot read, one without a Storyframe
    schema version, and one stamped with a revision this code does not know (made by a
    newer Storyframe). Only a known, older revision changes the file, after the backup.
    """
    try:
        if stored_revision(path) == HEAD_REVISION:
            return None
    except sqlite3.DatabaseError:
        pass  # reported with context below
    config = alembic_config()
    revision = _known_revision(path, config)
    if revision == head_revision(config):
        return None
    backup = _backup_before_upgrade(path, revision)
    _upgrade_file(path, config, revision, backup)
    return backup


def _known_revision(path: Path, config: Config) -> str:
    """The file's revision, checked to be one this code knows."""
    try:
        revision = stored_revision(path)
    except sqlite3.DatabaseError as error:
        raise ProjectError(f"{path} cannot be read as a project: {error}") from error
    if revision is None:
        raise ProjectError(
            f"{path} is an SQLite database but not a Storyframe project (it has no schema version)"
        )
    if revision not in known_revisions(config):
        raise ProjectError(
            f"{path} was made by a newer Storyframe (schema {revision}); this version knows "
            f"up to schema {head_revision(config)}. Please update Storyframe."
        )
    return revision


def _backup_before_upgrade(path: Path, revision: str) -> Path:
    try:
        return backup_copy(path, revision)
    except (OSError, sqlite3.Error) as error:
        raise ProjectError(
            f"{path} needs an upgrade from schema {revision}, but no backup copy could be "
            f"written next to it ({error}); it was left unchanged"
        ) from error


def _upgrade_file(path: Path, config: Config, revision: str, backup: Path) -> None:
    engine = make_engine(path)
    try:
        upgrade(engine, config)
    except (DBAPIError, ProjectError) as error:
        reason = error.orig if isinstance(error, DBAPIError) else error
        raise ProjectError(
            f"{path} could not be upgraded from schema {revision} to "
            f"{head_revision(config)} and was left unchanged ({reason}); a copy is at {backup}"
        ) from error
    finally:
        engine.dispose()
