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
from annotators.codebook.rule_store import suggest_rules
from annotators.codebook.rules import SuggestRule
from annotators.codebook.spec import TIME_KINDS
from annotators.codebook.store import active_codebook, codebook_codes
from annotators.coding.history import Change, History, RowChange, read_row
from annotators.errors import AnalysisError, CodebookError
from annotators.export.words import load_words
from annotators.store.models import (
    Annotation,
    Code,
    Coder,
    Suggestion,
    Video,
    utcnow,
)
from annotators.transcribe.storage import current_transcript

ANNOTATIONS = Annotation.__table__
SUGGESTIONS = Suggestion.__table__

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
    :class:`AnalysisError` for an unknown video or coder, or when the project has no active
    codebook or its rules cannot be read (nothing is written then).
    """
    if times is None:
        from annotators.coding.times import media_times

        times = media_times(project)
    with project.session() as session:
        video = session.get(Video, video_id)
        if video is None:
            raise AnalysisError(f"no video with id {video_id} in {project.path.name}")
        if session.get(Coder, coder_id) is None:
            raise AnalysisError(f"no coder with id {coder_id} in {project.path.name}")
        frame_times = np.asarray(times(video), dtype=float)
        rules = code_rules(session)
        made = _create(session, video, coder_id, rules, frame_times)
        session.commit()
        for row in made:
            session.refresh(row)
            session.expunge(row)
        return made


def code_rules(session: Session) -> list[tuple[Code, tuple[SuggestRule, ...]]]:
    """Time-anchored codes of the active codebook that carry rules, with their rules (read
    from the YAML of the codebook's latest version: the code table does not hold them)."""
    codebook = active_codebook(session)
    if codebook is None:
        raise AnalysisError("the project has no active codebook")
    try:
        by_key = suggest_rules(session, codebook)
    except CodebookError as error:
        raise AnalysisError(f"the codebook's suggestion rules cannot be read: {error}") from None
    rows = [c for c in codebook_codes(session, codebook) if c.kind in TIME_KINDS]
    return [(c, by_key[c.key]) for c in rows if c.key in by_key]


@dataclass(frozen=True)
class ClipTexts:
    """What a clip's rules are matched against: its current transcript words, on-screen
    text occurrences, caption and metadata (read once per clip)."""

    words: list[Any]
    texts: list[Any]
    caption: str
    meta: dict[str, Any]

    @classmethod
    def read(cls, session: Session, video: Video) -> ClipTexts:
        meta = video.platform_meta or {}
        return cls(_words(session, video.id), load_texts(session, video.id), _caption(meta), meta)


def find_matches(
    clip: ClipTexts, rules: Sequence[SuggestRule], frame_times: np.ndarray
) -> list[Match]:
    """Every match of ``rules`` in the clip's speech, screen text and caption."""
    meta, words, texts, caption = clip.meta, clip.words, clip.texts, clip.caption
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


def accept(
    project: Project, annotation_uid: str, coder_id: int, *, history: History | None = None
) -> Suggestion:
    """Make suggested annotation ``annotation_uid`` the coder's own (``source = manual``);
    its Suggestion row stays as the origin, ``accepted`` with ``decided_at``.

    Committed at once and recorded in ``history`` (e.g. the app's ``Coding.history``) so
    Undo reverts both rows. Raises :class:`AnalysisError` when ``annotation_uid`` is not a
    suggestion or belongs to another coder.
    """
    return _decide(project, annotation_uid, coder_id, ACCEPTED, history)


def reject(
    project: Project, annotation_uid: str, coder_id: int, *, history: History | None = None
) -> Suggestion:
    """Reject it: it stays stored with ``source = suggested`` (exports and reliability leave
    it out) and is never suggested again. Same contract as :func:`accept`."""
    return _decide(project, annotation_uid, coder_id, REJECTED, history)


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
    clip = ClipTexts.read(session, video)
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
        for match, anchor in _anchored(find_matches(clip, code_rules_, frame_times)):
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


def _decide(
    project: Project, annotation_uid: str, coder_id: int, status: str, history: History | None
) -> Suggestion:
    """Record the decision on the suggestion and its annotation as one undoable action."""

    def work(session: Session) -> tuple[Suggestion, str, list[Change]]:
        query = select(Suggestion).where(Suggestion.annotation_uid == annotation_uid)
        suggestion = session.exec(query).first()
        if suggestion is None:
            raise AnalysisError(f"annotation {annotation_uid} is not a suggestion")
        if suggestion.coder_id != coder_id:
            raise AnalysisError("a suggestion can only be decided by the coder it was made for")
        ann_id = session.exec(select(Annotation.id).where(Annotation.uid == annotation_uid)).one()
        now = utcnow()
        before_s = read_row(session, SUGGESTIONS, suggestion.id)
        before_a = read_row(session, ANNOTATIONS, ann_id)
        source = "manual" if status == ACCEPTED else "suggested"
        session.execute(
            SUGGESTIONS.update().where(SUGGESTIONS.c.id == suggestion.id)
            .values(status=status, decided_at=now)
        )  # fmt: skip
        session.execute(
            ANNOTATIONS.update().where(ANNOTATIONS.c.id == ann_id)
            .values(source=source, version=before_a["version"] + 1, updated_at=now)
        )  # fmt: skip
        after_s = read_row(session, SUGGESTIONS, suggestion.id)
        changes: list[Change] = [
            RowChange(SUGGESTIONS, suggestion.id, before_s, after_s),
            RowChange(ANNOTATIONS, ann_id, before_a, read_row(session, ANNOTATIONS, ann_id)),
        ]
        verb = "Accept" if status == ACCEPTED else "Reject"
        return Suggestion(**after_s), f"{verb} suggestion '{suggestion.matched_text}'", changes

    return (history or History(project.session)).perform(work)
