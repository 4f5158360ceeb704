"""Which clips a coder coded: the one rule behind every reliability figure.

- In a project with assignments (any :class:`Assignment` row), a coder coded the clips they
  marked done (``submitted_at`` set); unsubmitted work does not count yet.
- In a project without assignments, a coder coded every clip on which they have a clip value
  or an annotation of their own (suggestions they did not accept are not their work).
"""

from __future__ import annotations

from sqlalchemy import exists, select, union
from sqlmodel import Session

from annotators.store.models import Annotation, Assignment, ClipValue

# The adjudicated layer is stored as the work of this coder (see ConsensusRecord).
CONSENSUS_CODER = "consensus"


def uses_assignments(session: Session) -> bool:
    """True when the project records who codes which clip (a sample or plain assignments)."""
    return bool(session.execute(select(exists().where(Assignment.id.is_not(None)))).scalar())


def coded_video_ids(session: Session, coder_id: int) -> set[int]:
    """Ids of the videos coder ``coder_id`` coded, by the rule in this module's docstring."""
    if uses_assignments(session):
        query = select(Assignment.video_id).where(
            Assignment.coder_id == coder_id, Assignment.submitted_at.is_not(None)
        )
        return set(session.execute(query).scalars())
    own = union(
        select(ClipValue.video_id).where(ClipValue.coder_id == coder_id),
        select(Annotation.video_id).where(
            Annotation.coder_id == coder_id, Annotation.source != "suggested"
        ),
    )
    return set(session.execute(own).scalars())
