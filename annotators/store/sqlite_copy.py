"""A SQLite project file holding every row of a server project (one consistent snapshot).

Coder files are SQLite files carried to a laptop (:func:`annotators.study.pack`); from a
server project the pack starts from such a copy, then strips it exactly as it strips a copy
of a project file. Rows are copied with SQLAlchemy Core through the model's tables, so each
value goes through the same type conversion as in the app (aware UTC datetimes, JSON).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlmodel import Session, SQLModel

from . import (
    migrate,
    models,  # noqa: F401 (registers every table on SQLModel.metadata)
)
from .engine import make_engine
from .portable import begin_snapshot

# Rows per INSERT batch: bounded memory for a project of a million annotations
BATCH = 5_000
# Project settings that name the server project itself: a copy is a project of its own
SERVER_ONLY_META = ("project_id",)


def copy_to_sqlite(source: Engine, target: Path) -> None:
    """Write the new SQLite project file ``target`` (at the current schema) with every row
    of the database ``source``, read in one snapshot. ``target`` must not exist."""
    engine = make_engine(target)
    try:
        migrate.upgrade(engine, migrate.alembic_config(engine))
        tables = SQLModel.metadata.sorted_tables  # parents before the rows pointing at them
        with Session(source) as reader, engine.begin() as writer:
            snapshot = begin_snapshot(reader)
            # foreign keys checked at the commit: a code may point to a parent with a higher id
            writer.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in reversed(tables):  # rows the migrations seed come from the source
                writer.execute(table.delete())
            for table in tables:
                query = select(table).order_by(*table.primary_key.columns)
                result = snapshot.execute(query).mappings()
                while batch := result.fetchmany(BATCH):
                    writer.execute(insert(table), [dict(row) for row in batch])
            meta = SQLModel.metadata.tables["projectmeta"]
            writer.execute(meta.delete().where(meta.c.key.in_(SERVER_ONLY_META)))
    finally:
        engine.dispose()
