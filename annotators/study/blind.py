"""Blind mode: which coders' work a coder may see in the coding screens.

The setting is the project key :data:`BLIND_MODE_KEY` (``on``/``off``). When a lead never set
it, blind mode is on as soon as a reliability sample exists, so coders of the sample cannot see
each other's work by accident. Every coding screen asks :func:`visible_coder_ids` (one place),
so switching the mode changes what every screen shows at once.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlmodel import Session

from annotators.store.models import Assignment, ProjectMeta

BLIND_MODE_KEY = "blind_mode"


def has_sample(session: Session) -> bool:
    """True when any clip was drawn into a reliability sample."""
    query = select(exists().where(Assignment.reliability.is_(True)))
    return bool(session.execute(query).scalar())


def blind_mode(session: Session) -> bool:
    """Whether blind mode is on: the lead's setting, else on exactly when a sample exists."""
    row = session.get(ProjectMeta, BLIND_MODE_KEY)
    if row is not None:
        return row.value == "on"
    return has_sample(session)


def set_blind_mode(session: Session, on: bool) -> None:
    """Switch blind mode on or off for the project (the caller commits)."""
    session.merge(ProjectMeta(key=BLIND_MODE_KEY, value="on" if on else "off"))


def visible_coder_ids(session: Session, viewer_id: int) -> frozenset[int] | None:
    """Ids of the coders whose work ``viewer_id`` may see; ``None`` means every coder.

    In blind mode a coder sees only their own work.
    """
    return frozenset({viewer_id}) if blind_mode(session) else None


def may_see(session: Session, viewer_id: int, coder_id: int) -> bool:
    """True when ``viewer_id`` may see the work of ``coder_id``."""
    visible = visible_coder_ids(session, viewer_id)
    return visible is None or coder_id in visible
