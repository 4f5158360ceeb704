"""automatic analyses (OCR text, shot cuts) and coding suggestions

Revision ID: 0004
Revises: 0003_ml
Create Date: 2026-12-01 10:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003_ml"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analysis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("engine", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("engine_version", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=True),
        sa.Column("processing_s", sa.Float(), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["video_id"], ["video.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_analysis_video_id"), "analysis", ["video_id"], unique=False)
    op.create_table(
        "onscreentext",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("start_frame", sa.Integer(), nullable=False),
        sa.Column("end_frame", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("box", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["analysis_id"], ["analysis.id"]),
        sa.ForeignKeyConstraint(["video_id"], ["video.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_onscreentext_analysis_id"), "onscreentext", ["analysis_id"], unique=False
    )
    op.create_index(op.f("ix_onscreentext_video_id"), "onscreentext", ["video_id"], unique=False)
    op.create_table(
        "shotcut",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("frame", sa.Integer(), nullable=False),
        sa.Column("time_s", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["analysis_id"], ["analysis.id"]),
        sa.ForeignKeyConstraint(["video_id"], ["video.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_shotcut_analysis_id"), "shotcut", ["analysis_id"], unique=False)
    op.create_index(op.f("ix_shotcut_video_id"), "shotcut", ["video_id"], unique=False)
    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("annotation_uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("matched_text", sa.Text(), nullable=False),
        sa.Column("anchor", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"]),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"]),
        sa.ForeignKeyConstraint(["video_id"], ["video.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("annotation_uid"),
        sa.UniqueConstraint("video_id", "code_id", "coder_id", "anchor"),
    )
    op.create_index(op.f("ix_suggestion_video_id"), "suggestion", ["video_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_suggestion_video_id"), table_name="suggestion")
    op.drop_table("suggestion")
    for table in ("shotcut", "onscreentext"):
        op.drop_index(op.f(f"ix_{table}_video_id"), table_name=table)
        op.drop_index(op.f(f"ix_{table}_analysis_id"), table_name=table)
        op.drop_table(table)
    op.drop_index(op.f("ix_analysis_video_id"), table_name="analysis")
    op.drop_table("analysis")
