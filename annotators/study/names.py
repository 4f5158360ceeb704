"""Naming things on the command line: coders by name, videos by file name, hash or id."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from annotators.errors import StudyError
from annotators.store.models import Coder, Video


def find_coder(session: Session, name: str) -> Coder:
    """The coder called ``name``; :class:`StudyError` naming the known coders when none is."""
    coder = session.exec(select(Coder).where(Coder.name == name.strip())).first()
    if coder is None:
        known = ", ".join(sorted(session.exec(select(Coder.name)).all())) or "none"
        raise StudyError(f"no coder called '{name}' in this project (known: {known})")
    return coder


def ensure_coder(session: Session, name: str) -> Coder:
    """The coder called ``name``, added to the session when new (the caller commits)."""
    name = name.strip()
    if not name:
        raise StudyError("a coder needs a name")
    coder = session.exec(select(Coder).where(Coder.name == name)).first()
    if coder is None:
        coder = Coder(name=name)
        session.add(coder)
        session.flush()
    return coder


def find_videos(session: Session, names: Sequence[str | int]) -> list[Video]:
    """Videos named by file name, SHA-256 or id, in the order given (duplicates once).

    Raises :class:`StudyError` listing every name that matches no video.
    """
    videos = list(session.exec(select(Video).order_by(Video.id)))
    found: dict[int, Video] = {}
    missing = []
    for name in names:
        text = str(name)
        matches = [v for v in videos if text in (v.file_name, v.content_hash, str(v.id))]
        if not matches:
            missing.append(text)
        for video in matches:
            found.setdefault(video.id, video)
    if missing:
        raise StudyError(f"no such video in this project: {', '.join(missing)}")
    return list(found.values())
