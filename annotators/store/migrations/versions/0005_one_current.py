"""one current transcript per clip, and one current analysis per clip and step, enforced by
the database (partial unique indexes), so two machines transcribing the same clip at once
cannot both leave theirs current

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = sa.text("is_current")


def upgrade() -> None:
    # a file written before the rule may hold two current rows: the newest stays current
    op.execute(
        "UPDATE transcript SET is_current = false WHERE is_current AND id < "
        "(SELECT max(newer.id) FROM transcript AS newer "
        "WHERE newer.video_id = transcript.video_id AND newer.is_current)"
    )
    op.execute(
        "UPDATE analysis SET is_current = false WHERE is_current AND id < "
        "(SELECT max(newer.id) FROM analysis AS newer WHERE newer.video_id = analysis.video_id "
        "AND newer.step = analysis.step AND newer.is_current)"
    )
    op.create_index(
        "ux_transcript_current", "transcript", ["video_id"], unique=True,
        sqlite_where=CURRENT, postgresql_where=CURRENT,
    )  # fmt: skip
    op.create_index(
        "ux_analysis_current", "analysis", ["video_id", "step"], unique=True,
        sqlite_where=CURRENT, postgresql_where=CURRENT,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ux_analysis_current", table_name="analysis")
    op.drop_index("ux_transcript_current", table_name="transcript")
