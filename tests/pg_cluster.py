"""A throwaway PostgreSQL cluster for the tests: Debian's server binaries, started once per
test session in a temporary folder, reachable only through a Unix socket (no TCP port, so the
no-network guard still holds), fsync off (about a second to start).

Each test gets a fresh database copied from a template that is already migrated to the
current schema (``CREATE DATABASE ... TEMPLATE``: tens of milliseconds instead of running
every migration again). The cluster uses an ICU collation, not C, so ordering bugs that
only show under a natural-language collation show here.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATE = "storyframe_template"


def server_binaries() -> Path | None:
    """Folder of the newest installed PostgreSQL server's binaries, or ``None``."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
    return found[-1].parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; Debian's package creates the postgres user
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Cluster:
    """A running cluster; :meth:`new_database` hands out fresh databases."""

    folder: Path
    binaries: Path
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    _spare: list[str] = field(default_factory=list)
    _template_schema: str = ""

    @property
    def socket_dir(self) -> Path:
        return self.folder

    def url(self, database: str) -> str:
        """libpq URL of ``database`` over the cluster's Unix socket."""
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run ``sql`` with psql and return its output (raises on error)."""
        result = subprocess.run(
            [str(self.binaries / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", str(self.socket_dir), "-U", "postgres", "-d", database, "-c", sql],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout.strip()

    def new_database(self) -> str:
        """Name of a new database copied from the migrated template."""
        name = f"t{os.getpid()}_{next(self._counter)}"
        self.psql(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
        return name

    def empty_database(self) -> str:
        """Name of a new database with no Storyframe schema at all."""
        name = f"e{os.getpid()}_{next(self._counter)}"
        self.psql(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def drop(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # Recycling: emptying a used database (rows deleted, sequences restarted) takes ~30 ms,
    # copying the template ~300 ms on a busy machine; most tests only add rows.

    def fresh_database(self) -> str:
        """Name of an empty database at the current schema: a recycled one, else a new copy."""
        return self._spare.pop() if self._spare else self.new_database()

    def release(self, name: str) -> None:
        """Give back a database from :meth:`fresh_database`: emptied for the next test when
        its schema is still the template's (a migration test may have changed it), else
        dropped."""
        import psycopg

        try:
            with psycopg.connect(
                f"host={self.socket_dir} user=postgres dbname={name}", autocommit=True
            ) as connection:
                # a project left open by the test would hold locks and advisory locks
                connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if _schema(connection) != self._template_schema:
                    raise ValueError("schema changed")
                connection.execute(_emptying_sql(connection))
                connection.execute(f'ALTER DATABASE "{name}" RESET ALL')
        except (psycopg.Error, ValueError):
            self.drop(name)
            return
        self._spare.append(name)

    def stop(self) -> None:
        subprocess.run(
            _as_server_user([str(self.binaries / "pg_ctl"), "-D", str(self.folder / "data"),
                             "-m", "immediate", "stop"]),
            capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """Create, start and template a cluster; raises ``RuntimeError`` when no server is installed."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError(
            "PostgreSQL is not installed (apt-get install postgresql): the tests run every "
            "team-project test on a throwaway PostgreSQL cluster"
        )
    # short path: a Unix socket's path must stay under 108 bytes
    folder = Path(tempfile.mkdtemp(prefix="sfpg-", dir="/tmp"))
    os.chmod(folder, 0o777)
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(
        _as_server_user([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A",
                         "trust", "-E", "UTF8", "--locale-provider=icu", "--icu-locale=en-US",
                         "--locale=C.UTF-8", "--no-sync"]),
        capture_output=True, check=True,
    )  # fmt: skip
    options = (
        f"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB"
    )
    subprocess.run(
        _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w",
                         "-l", str(folder / "server.log"), "start"]),
        capture_output=True, check=True,
    )  # fmt: skip
    cluster = Cluster(folder, binaries)
    _make_template(cluster)
    return cluster


def _schema(connection) -> str:  # noqa: ANN001 (a psycopg connection)
    """A fingerprint of the public schema: revision, columns and indexes."""
    row = connection.execute(
        "SELECT (SELECT string_agg(version_num, ',') FROM alembic_version),"
        " (SELECT md5(string_agg(table_name || '.' || column_name || ':' || data_type, ','"
        "  ORDER BY table_name, column_name)) FROM information_schema.columns"
        "  WHERE table_schema = 'public'),"
        " (SELECT md5(string_agg(indexdef, ',' ORDER BY indexdef)) FROM pg_indexes"
        "  WHERE schemaname = 'public')"
    ).fetchone()
    return repr(row)


def _emptying_sql(connection) -> str:  # noqa: ANN001 (a psycopg connection)
    """Statements deleting every row but the schema version and restarting every sequence
    (foreign key triggers off meanwhile: no ordering needed)."""
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'alembic_version'"
        )
    ]
    sequences = [
        row[0]
        for row in connection.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        )
    ]
    return " ".join(
        [
            "SET session_replication_role = replica;",
            *(f'DELETE FROM "{table}";' for table in tables),
            *(f'ALTER SEQUENCE "{sequence}" RESTART;' for sequence in sequences),
            "SET session_replication_role = DEFAULT;",
        ]
    )


def _make_template(cluster: Cluster) -> None:
    from sqlalchemy import create_engine

    from annotators.store import migrate
    from annotators.store.server import server_url

    cluster.psql(f"CREATE DATABASE {TEMPLATE}")
    engine = create_engine(server_url(cluster.url(TEMPLATE)))
    try:
        migrate.upgrade(engine, migrate.alembic_config(engine))
    finally:
        engine.dispose()
    import psycopg

    with psycopg.connect(f"host={cluster.socket_dir} user=postgres dbname={TEMPLATE}") as conn:
        cluster._template_schema = _schema(conn)
