"""``storyframe db upgrade``: the one way a server database's schema changes.

Never implicit on open (several machines share the database, and one running an older
Storyframe must not find its tables changed under it). The upgrade takes the migration
lock, writes a ``pg_dump`` backup beside the project file, then migrates in one
transaction: a failure at any step leaves the database as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from annotators.errors import ProjectError

from . import migrate
from .server import make_server_engine, read_pointer, server_url, shown_url


@dataclass(frozen=True)
class UpgradeResult:
    """What ``db upgrade`` did: the revisions before and after, and the backup written."""

    before: str | None
    after: str
    backup: Path | None


def upgrade_server_project(path: Path) -> UpgradeResult:
    """Upgrade the database of the server project file ``path`` to this Storyframe's schema.

    Raises :class:`ProjectError` when the database is newer than this Storyframe, is not a
    Storyframe project, or the backup cannot be written (nothing is changed then).
    """
    pointer = read_pointer(path)
    engine = make_server_engine(server_url(pointer.database))
    try:
        config = migrate.alembic_config(engine)
        before = migrate.current_revision(engine)
        if before is None:
            raise ProjectError(f"{pointer.database} holds no Storyframe project")
        if before not in migrate.known_revisions(config):
            raise ProjectError(
                f"{pointer.database} was upgraded by a newer Storyframe (schema {before}); "
                "update Storyframe instead"
            )
        if before == migrate.HEAD_REVISION:
            return UpgradeResult(before, before, None)
        backup = dump_backup(engine, path, before)
        migrate.upgrade(engine, config)
        return UpgradeResult(before, migrate.current_revision(engine) or "", backup)
    finally:
        engine.dispose()


def dump_backup(engine: Engine, project_file: Path, revision: str) -> Path:
    """Write a ``pg_dump`` custom-format backup of ``engine``'s database next to
    ``project_file`` and return its path (restore with ``pg_restore``)."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise ProjectError(
            "pg_dump is not installed (apt-get install postgresql-client): the database was "
            "not upgraded, because an upgrade always writes a backup first"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = project_file.with_name(f"{project_file.stem}.backup-{stamp}-schema-{revision}.dump")
    url = engine.url.set(drivername="postgresql")
    conninfo = url.render_as_string(hide_password=False)
    result = subprocess.run(
        [pg_dump, "--format=custom", "--no-password", f"--file={target}", f"--dbname={conninfo}"],
        capture_output=True,
        text=True,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
        check=False,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        reason = (result.stderr.strip().splitlines() or ["pg_dump failed"])[-1]
        raise ProjectError(
            f"no backup of {shown_url(url)} could be written ({reason}); it was not upgraded"
        )
    return target
