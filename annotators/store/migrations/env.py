"""Alembic environment for Storyframe projects.

Run programmatically by :mod:`annotators.store.migrate`, which passes an open SQLAlchemy
connection in ``config.attributes["connection"]``. The ``alembic`` command line works too
(``sqlalchemy.url`` set in the config) for writing new revisions with autogenerate.
Offline mode (``--sql``) prints the SQL for any dialect, e.g. to check PostgreSQL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

import annotators.store.models  # noqa: F401  (registers every table on SQLModel.metadata)
from annotators.store.migrate import include_name

config = context.config
target_metadata = SQLModel.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        # batch mode lets later revisions ALTER tables on SQLite (copy-and-move)
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the caller's connection, or one made from ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _configure_and_run(connection)


def run_migrations_offline() -> None:
    """Emit the migration SQL for the dialect of ``sqlalchemy.url`` without a database."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
