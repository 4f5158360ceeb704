"""live view on server projects: every committed change to a coding table sends a
notice (``pg_notify('storyframe', {table, video_id, origin})``) that open apps listen
for (:mod:`annotators.live`); nothing on SQLite, whose watcher polls ``data_version``

Revision ID: 0006_live
Revises: 0005
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

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
FUNCTION = """
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


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER storyframe_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION storyframe_notify()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER storyframe_notify ON {table}")
    op.execute("DROP FUNCTION storyframe_notify()")
