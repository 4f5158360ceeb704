"""live view: every committed change to a coding table is recorded for the apps of other
processes (:mod:`annotators.live`). On PostgreSQL a trigger sends a notice
(``pg_notify('storyframe', {table, video_id, origin})``); on SQLite triggers raise the
``seq`` of the (table, clip) row in ``livechange``, which a watcher reads when
``PRAGMA data_version`` moves (appended rows it finds by id: bulk imports stay fast).

Revision ID: 0006_live
Revises: 0005
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_live"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the watched tables (annotators.live.changes.WATCHED_TABLES, frozen here as of this revision)
TABLES = (
    "annotation", "suggestion", "clipvalue", "transcript", "wordcorrection", "video",
    "assignment", "consensusrecord", "codebook", "code", "analysis", "projectmeta",
)  # fmt: skip

# One notice per changed row; PostgreSQL folds identical notices of one transaction into
# one, so a bulk import sends one per clip. The clip is the row's video_id (the video's own
# id; a word correction's through its word's transcript).
PG_FUNCTION = """
CREATE FUNCTION storyframe_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_data jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    clip bigint := (row_data ->> 'video_id')::bigint;
BEGIN
    IF TG_TABLE_NAME = 'video' THEN
        clip := (row_data ->> 'id')::bigint;
    ELSIF TG_TABLE_NAME = 'wordcorrection' THEN
        SELECT transcript.video_id INTO clip FROM word
            JOIN transcript ON transcript.id = word.transcript_id
            WHERE word.id = (row_data ->> 'word_id')::bigint;
    END IF;
    PERFORM pg_notify('storyframe', json_build_object(
        'table', TG_TABLE_NAME, 'video_id', clip,
        'origin', current_setting('storyframe.origin', true))::text);
    RETURN NULL;
END $$
"""


def _sqlite_clip(table: str, row: str) -> str:
    """SQL for the clip of the ``row`` (NEW or OLD) of ``table``; 0 when not one clip."""
    if table == "video":
        return f"{row}.id"
    if table == "wordcorrection":
        return (
            "(SELECT transcript.video_id FROM word JOIN transcript ON transcript.id ="
            f" word.transcript_id WHERE word.id = {row}.word_id)"
        )
    if table in ("codebook", "code", "consensusrecord", "projectmeta"):
        return "0"
    return f"{row}.video_id"


def _log(table: str, clip: str, where: str = "WHERE true") -> str:
    # "WHERE true": an upsert's SELECT needs a WHERE, or SQLite reads ON as a join's;
    # a bare max(seq) is one lookup in the seq index (wrapped in coalesce it is a scan)
    return (
        f"INSERT INTO livechange (tbl, video_id, seq) SELECT '{table}', coalesce({clip}, 0),"
        f" coalesce((SELECT max(seq) FROM livechange), 0) + 1 {where}"
        " ON CONFLICT (tbl, video_id) DO UPDATE SET seq = excluded.seq;"
    )


def _sqlite_triggers(table: str) -> list[str]:
    """Update and delete log their clip. An insert that appends (the new highest id: every
    bulk import) is not logged: the watcher finds those rows by id, so a 100,000-row import
    stays fast; a re-insert below the top (undo of a delete) is. Deleting the top row lets
    the next insert reuse its id, so that is logged as ``TABLE#top`` (the watcher then
    cannot tell the clip of a new row and refreshes as for any clip)."""
    name = f"live_{table}"
    if table == "projectmeta":  # no integer id: every change is logged
        return [
            f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} BEGIN"
            f" {_log(table, '0')} END"
            for event in ("INSERT", "UPDATE", "DELETE")
        ]
    # coalesce outside the subquery: a bare max(id) is one index lookup, not a scan
    top = f"coalesce((SELECT max(id) FROM {table}), 0)"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} WHEN NEW.id < {top} BEGIN"
        f" {_log(table, _sqlite_clip(table, 'NEW'))} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} BEGIN"
        f" {_log(table, _sqlite_clip(table, 'NEW'))} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN"
        f" {_log(table, _sqlite_clip(table, 'OLD'))}"
        f" {_log(table + '#top', '0', f'WHERE OLD.id > {top}')} END",
    ]


def upgrade() -> None:
    op.create_table(
        "livechange",
        sa.Column("tbl", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tbl", "video_id"),
    )
    op.create_index(op.f("ix_livechange_seq"), "livechange", ["seq"], unique=False)
    if op.get_context().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER storyframe_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION storyframe_notify()"
            )
        return
    for table in TABLES:
        for trigger in _sqlite_triggers(table):
            op.execute(trigger)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER storyframe_notify ON {table}")
        op.execute("DROP FUNCTION storyframe_notify()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER live_{table}_{event}")
    op.drop_index(op.f("ix_livechange_seq"), table_name="livechange")
    op.drop_table("livechange")
