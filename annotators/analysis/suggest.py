"""Suggested annotations from the codebook's ``suggest:`` rules, and the coder's decisions.

:func:`suggest_for_clip` matches every rule of the active codebook against the clip's
current transcript (``speech``: the frames of the matched words), its current on-screen text
(``screen``: the frames of the occurrence) and its platform caption (``caption``: frame 0;
the whole clip for interval codes). Each match becomes an annotation with
``source = suggested`` plus a :class:`Suggestion` row saying why, all in one transaction.
A suggestion is identified by its ``anchor`` (rule, origin, matched text and which
occurrence of that text it is), so one that was made before (pending, accepted or
rejected) for the clip, code and coder is never made again, also after re-transcribing.

:func:`accept` makes the annotation the coder's own (``source = manual``; the Suggestion row
stays as its origin); :func:`reject` keeps it, rejected, with ``source = suggested`` so
exports and reliability leave it out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlmodel import Session, col, select

from annotators.analysis.matching import find_spans, normalized, rule_patterns
from annotators.analysis.storage import load_texts
from annotators.codebook.parse import parse_codebook
from annotators.codebook.rules import SuggestRule
from annotators.codebook.spec import TIME_KINDS
from annotators.codebook.store import active_codebook, codebook_codes
from annotators.errors import AnalysisError, CodebookError
from annotators.export.words import load_words
from annotators.store.models import (
    Annotation,
    Code,
    CodebookVersion,
    Suggestion,
    Video,
    utcnow,
)
from annotators.transcribe.storage import current_transcript

if TYPE_CHECKING:
    from annotators.coding.times import TimesResolver
    from annotators.project import Project

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
# platform metadata keys that hold the post's caption (collection tools differ)
CAPTION_KEYS = ("caption", "desc", "description", "text", "title")
ANCHOR_MAX = 500
# times within half a millisecond before a frame's timestamp name that frame (frame table)
TOLERANCE_S = 5.01e-4


@dataclass(frozen=True)
class Match:
    """One rule match: where (frames, inclusive), what text, from which source."""

    rule: str
    origin: str
    text: str
    start_frame: int
    end_frame: int


@dataclass(frozen=True)
class PendingSuggestion:
    """A suggestion awaiting the coder's decision, with its annotation (detached rows)."""

    suggestion: Suggestion
    annotation: Annotation


def suggest_for_clip(
    project: Project, video_id: int, coder_id: int, *, times: TimesResolver | None = None
) -> list[Suggestion]:
    """Create the new suggestions of clip ``video_id`` for ``coder_id``; return them.

    ``times`` resolves the video to its frame times (default: read from the file). Raises
    :class:`AnalysisError` when the project has no active codebook or its rules cannot be read.
    """
    if times is None:
        from annotators.coding.times import media_times

        times = media_times(project)
    with project.session() as session:
        video = session.get(Video, video_id)
        if video is None:
            raise AnalysisError(f"no video with id {video_id} in {project.path.name}")
        frame_times = np.asarray(times(video), dtype=float)
        rules = code_rules(session)
        made = _create(session, video, coder_id, rules, frame_times)
        session.commit()
        for row in made:
            session.refresh(row)
            session.expunge(row)
        return made


def code_rules(session: Session) -> list[tuple[Code, tuple[SuggestRule, ...]]]:
    """Time-anchored codes of the active codebook that carry rules, with their rules, read
    from the YAML of the codebook's latest version (the code table does not hold them)."""
    codebook = active_codebook(session)
    if codebook is None:
        raise AnalysisError("the project has no active codebook")
    query = select(CodebookVersion).where(CodebookVersion.codebook_id == codebook.id)
    latest = session.exec(query.order_by(col(CodebookVersion.version).desc())).first()
    if latest is None:
        return []
    try:
        spec = parse_codebook(latest.yaml_text, source=f"codebook version {latest.version}")
    except CodebookError as error:
        raise AnalysisError(f"the codebook's suggestion rules cannot be read: {error}") from None
    by_key = spec.by_key()
    rows = [c for c in codebook_codes(session, codebook) if c.kind in TIME_KINDS]
    return [(c, by_key[c.key].suggest) for c in rows if c.key in by_key and by_key[c.key].suggest]


def find_matches(
    session: Session, video: Video, rules: Sequence[SuggestRule], frame_times: np.ndarray
) -> list[Match]:
    """Every match of ``rules`` in the clip's speech, screen text and caption."""
    meta = video.platform_meta or {}
    words = _words(session, video.id)
    texts = load_texts(session, video.id)
    caption = _caption(meta)
    last = len(frame_times) - 1
    matches: list[Match] = []
    for rule in rules:
        patterns = rule_patterns(rule, meta)
        if "speech" in rule.sources and words:
            matches += _speech(rule, patterns, words, frame_times)
        if "screen" in rule.sources:
            for occ in texts:
                for a, b in find_spans(patterns, occ.text):
                    matches.append(
                        Match(rule.name, "screen", occ.text[a:b], occ.start_frame, occ.end_frame)
                    )
        if "caption" in rule.sources and caption:
            for a, b in find_spans(patterns, caption):
                matches.append(Match(rule.name, "caption", caption[a:b], 0, last))
    return matches


def accept(project: Project, annotation_uid: str, coder_id: int) -> Suggestion:
    """Make suggested annotation ``annotation_uid`` the coder's own (``source = manual``)."""
    return _decide(project, annotation_uid, coder_id, ACCEPTED)


def reject(project: Project, annotation_uid: str, coder_id: int) -> Suggestion:
    """Reject it: it stays stored with ``source = suggested`` and is never suggested again."""
    return _decide(project, annotation_uid, coder_id, REJECTED)


def pending_suggestions(project: Project, video_id: int, coder_id: int) -> list[PendingSuggestion]:
    """The coder's pending suggestions on the clip, in frame order (for review keys)."""
    with project.session() as session:
        query = (
            select(Suggestion, Annotation)
            .join(Annotation, col(Annotation.uid) == col(Suggestion.annotation_uid))
            .where(
                Suggestion.video_id == video_id,
                Suggestion.coder_id == coder_id,
                Suggestion.status == PENDING,
            )
            .order_by(col(Annotation.start_frame), col(Annotation.id))
        )
        pairs = list(session.exec(query))
        for suggestion, annotation in pairs:
            session.expunge(suggestion)
            session.expunge(annotation)
        return [PendingSuggestion(s, a) for s, a in pairs]


# --- internals -------------------------------------------------------------------------


def _create(
    session: Session,
    video: Video,
    coder_id: int,
    rules: list[tuple[Code, tuple[SuggestRule, ...]]],
    frame_times: np.ndarray,
) -> list[Suggestion]:
    made: list[Suggestion] = []
    for code, code_rules_ in rules:
        known = set(
            session.exec(
                select(Suggestion.anchor).where(
                    Suggestion.video_id == video.id,
                    Suggestion.code_id == code.id,
                    Suggestion.coder_id == coder_id,
                )
            )
        )
        by_name = {r.name: r for r in code_rules_}
        for match, anchor in _anchored(find_matches(session, video, code_rules_, frame_times)):
            if anchor in known:
                continue
            known.add(anchor)
            rule = by_name[match.rule]
            made.append(_add(session, (video, code, coder_id), match, anchor, rule, frame_times))
    session.flush()
    return made


def _anchored(matches: list[Match]) -> list[tuple[Match, str]]:
    """Each match with its anchor: rule, origin, matched text and its occurrence number."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for match in sorted(matches, key=lambda m: (m.origin, m.start_frame, m.rule)):
        what = (match.rule, match.origin, normalized(match.text))
        seen[what] += 1
        out.append((match, "|".join([*what, str(seen[what])])[:ANCHOR_MAX]))
    return out


def _add(
    session: Session,
    where: tuple[Video, Code, int],
    match: Match,
    anchor: str,
    rule: SuggestRule,
    times: np.ndarray,
) -> Suggestion:
    """Add the suggested annotation of ``match`` and its Suggestion row (not committed)."""
    video, code, coder_id = where
    end = max(match.end_frame, match.start_frame) if code.kind == "interval" else None
    now = utcnow()
    annotation = Annotation(
        video_id=video.id, code_id=code.id, coder_id=coder_id,
        start_frame=match.start_frame, end_frame=end,
        start_s=float(times[match.start_frame]),
        end_s=None if end is None else float(times[end]),
        value=_value(code, rule), source="suggested", created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(annotation)
    suggestion = Suggestion(
        annotation_uid=annotation.uid, video_id=video.id, code_id=code.id, coder_id=coder_id,
        rule=rule.name, origin=match.origin, matched_text=match.text, anchor=anchor,
    )  # fmt: skip
    session.add(suggestion)
    return suggestion


def _value(code: Code, rule: SuggestRule) -> str | None:
    """The rule's value where the code lists it (other codes store no value)."""
    allowed = {str(o.get("value")) for o in code.options or []}
    return rule.value if rule.value is not None and rule.value in allowed else None


def _words(session: Session, video_id: int) -> list[Any]:
    transcript = current_transcript(session, video_id)
    if transcript is None:
        return []
    return load_words(session.connection(), transcript.id)


def _speech(rule: SuggestRule, patterns: list[Any], words: list[Any], times: np.ndarray) -> list:
    """Matches in the transcript text; each covers the frames of the words it touches."""
    text, starts = "", []
    for word in words:
        starts.append(len(text))
        text += word.text.strip() + " "
    out = []
    for a, b in find_spans(patterns, text):
        first = int(np.searchsorted(starts, a, side="right")) - 1
        last = int(np.searchsorted(starts, b - 1, side="right")) - 1
        start = _frame_at(times, words[first].start_s)
        end = max(_frame_at(times, words[last].end_s - 2 * TOLERANCE_S), start)
        out.append(Match(rule.name, "speech", text[a:b].strip(), start, end))
    return out


def _frame_at(times: np.ndarray, seconds: float) -> int:
    """Index of the frame on screen at ``seconds`` (the frame table's rule, clamped)."""
    i = int(np.searchsorted(times, seconds + TOLERANCE_S, side="right")) - 1
    return min(max(i, 0), len(times) - 1)


def _caption(meta: dict[str, Any]) -> str:
    return " ".join(str(meta[k]) for k in CAPTION_KEYS if isinstance(meta.get(k), str))


def _decide(project: Project, annotation_uid: str, coder_id: int, status: str) -> Suggestion:
    with project.session() as session:
        query = select(Suggestion).where(Suggestion.annotation_uid == annotation_uid)
        suggestion = session.exec(query).first()
        if suggestion is None:
            raise AnalysisError(f"annotation {annotation_uid} is not a suggestion")
        if suggestion.coder_id != coder_id:
            raise AnalysisError("a suggestion can only be decided by the coder it was made for")
        annotation = session.exec(select(Annotation).where(Annotation.uid == annotation_uid)).one()
        now = utcnow()
        suggestion.status, suggestion.decided_at = status, now
        annotation.source = "manual" if status == ACCEPTED else "suggested"
        annotation.version += 1
        annotation.updated_at = now
        session.add_all([suggestion, annotation])
        session.commit()
        session.refresh(suggestion)
        session.expunge(suggestion)
        return suggestion
