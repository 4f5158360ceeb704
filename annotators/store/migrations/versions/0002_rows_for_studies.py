"""row identity and versions, open intervals, assignments, consensus provenance, code level

- ``annotation`` and ``clipvalue`` get ``uid`` (stable across packed and merged project files,
  backfilled for existing rows) and ``version`` (row version for conditional updates);
- ``code.level``: level of measurement for reliability;
- new tables ``openinterval``, ``assignment`` and ``consensusrecord``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("annotation", "clipvalue")


def _random_uid_sql() -> str:
    """SQL for 32 random hex digits in this database's dialect."""
    if op.get_bind().dialect.name == "postgresql":
        return "md5(random()::text || clock_timestamp()::text)"
    return "lower(hex(randomblob(16)))"


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
            )
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        op.execute(f"UPDATE {table} SET uid = {_random_uid_sql()} WHERE uid IS NULL")
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "uid", existing_type=sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
            )
            batch.create_unique_constraint(f"uq_{table}_uid", ["uid"])
    with op.batch_alter_table("code") as batch:
        batch.add_column(
            sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
    op.create_table(
        "openinterval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("start_frame", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"]),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"]),
        sa.ForeignKeyConstraint(["video_id"], ["video.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("video_id", "code_id", "coder_id"),
    )
    op.create_index(op.f("ix_openinterval_video_id"), "openinterval", ["video_id"], unique=False)
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("reliability", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"]),
        sa.ForeignKeyConstraint(["video_id"], ["video.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("coder_id", "video_id", "round"),
    )
    op.create_index(op.f("ix_assignment_coder_id"), "assignment", ["coder_id"], unique=False)
    op.create_index(op.f("ix_assignment_video_id"), "assignment", ["video_id"], unique=False)
    op.create_table(
        "consensusrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("source_coder_id", sa.Integer(), nullable=True),
        sa.Column("source_uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["reviewer_id"], ["coder.id"]),
        sa.ForeignKeyConstraint(["source_coder_id"], ["coder.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("target_uid"),
    )


def downgrade() -> None:
    op.drop_table("consensusrecord")
    op.drop_index(op.f("ix_assignment_video_id"), table_name="assignment")
    op.drop_index(op.f("ix_assignment_coder_id"), table_name="assignment")
    op.drop_table("assignment")
    op.drop_index(op.f("ix_openinterval_video_id"), table_name="openinterval")
    op.drop_table("openinterval")
    with op.batch_alter_table("code") as batch:
        batch.drop_column("level")
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_uid", type_="unique")
            batch.drop_column("version")
            batch.drop_column("uid")
