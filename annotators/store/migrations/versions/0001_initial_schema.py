"""initial schema

Written with autogenerate from ``annotators/store/models.py``. Until the first release this
revision is regenerated whenever the models change (see ``annotators/store/__init__.py``).

Revision ID: 0001
Revises:
Create Date: 2026-11-26 12:15:50.342662
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "codebook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "coder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "projectmeta",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "video",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("frame_count", sa.Integer(), nullable=False),
        sa.Column("fps", sa.Float(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("rotation", sa.Integer(), nullable=False),
        sa.Column("has_audio", sa.Boolean(), nullable=False),
        sa.Column("platform_video_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("platform_meta", sa.JSON(), nullable=True),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("video", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_video_content_hash"), ["content_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_video_file_name"), ["file_name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_video_platform_video_id"), ["platform_video_id"], unique=False
        )

    op.create_table(
        "code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("codebook_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("value_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("options", sa.JSON(), nullable=True),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("include", sa.Text(), nullable=False),
        sa.Column("exclude", sa.Text(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=True),
        sa.Column("shortcut", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("color", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["codebook_id"],
            ["codebook.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["code.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("codebook_id", "key"),
    )
    with op.batch_alter_table("code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_code_codebook_id"), ["codebook_id"], unique=False)

    op.create_table(
        "codebookversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("codebook_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["codebook_id"],
            ["codebook.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("codebook_id", "version"),
    )
    with op.batch_alter_table("codebookversion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_codebookversion_codebook_id"), ["codebook_id"], unique=False
        )

    op.create_table(
        "transcript",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("engine", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("engine_version", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("model", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("processing_s", sa.Float(), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["video.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transcript", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transcript_video_id"), ["video_id"], unique=False)

    op.create_table(
        "annotation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("start_frame", sa.Integer(), nullable=False),
        sa.Column("end_frame", sa.Integer(), nullable=True),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["code.id"],
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["video.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annotation_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_annotation_coder_id"), ["coder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_annotation_video_id"), ["video_id"], unique=False)

    op.create_table(
        "clipvalue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["code.id"],
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["video.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("video_id", "code_id", "coder_id"),
    )
    with op.batch_alter_table("clipvalue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clipvalue_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_clipvalue_coder_id"), ["coder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_clipvalue_video_id"), ["video_id"], unique=False)

    op.create_table(
        "segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("avg_logprob", sa.Float(), nullable=True),
        sa.Column("no_speech_prob", sa.Float(), nullable=True),
        sa.Column("compression_ratio", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["transcript_id"],
            ["transcript.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("segment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_segment_transcript_id"), ["transcript_id"], unique=False
        )

    op.create_table(
        "word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["transcript_id"],
            ["transcript.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("word", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_word_segment_id"), ["segment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_word_transcript_id"), ["transcript_id"], unique=False)

    op.create_table(
        "wordcorrection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
        ),
        sa.ForeignKeyConstraint(
            ["word_id"],
            ["word.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("wordcorrection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wordcorrection_word_id"), ["word_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("wordcorrection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wordcorrection_word_id"))

    op.drop_table("wordcorrection")
    with op.batch_alter_table("word", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_word_transcript_id"))
        batch_op.drop_index(batch_op.f("ix_word_segment_id"))

    op.drop_table("word")
    with op.batch_alter_table("segment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_segment_transcript_id"))

    op.drop_table("segment")
    with op.batch_alter_table("clipvalue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clipvalue_video_id"))
        batch_op.drop_index(batch_op.f("ix_clipvalue_coder_id"))
        batch_op.drop_index(batch_op.f("ix_clipvalue_code_id"))

    op.drop_table("clipvalue")
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annotation_video_id"))
        batch_op.drop_index(batch_op.f("ix_annotation_coder_id"))
        batch_op.drop_index(batch_op.f("ix_annotation_code_id"))

    op.drop_table("annotation")
    with op.batch_alter_table("transcript", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transcript_video_id"))

    op.drop_table("transcript")
    with op.batch_alter_table("codebookversion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codebookversion_codebook_id"))

    op.drop_table("codebookversion")
    with op.batch_alter_table("code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_code_codebook_id"))

    op.drop_table("code")
    with op.batch_alter_table("video", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_platform_video_id"))
        batch_op.drop_index(batch_op.f("ix_video_file_name"))
        batch_op.drop_index(batch_op.f("ix_video_content_hash"))

    op.drop_table("video")
    op.drop_table("projectmeta")
    op.drop_table("coder")
    op.drop_table("codebook")
