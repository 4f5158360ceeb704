"""Who codes which clip: the reliability sample and plain assignments.

:func:`draw_sample` draws a share of the clips (stratified by a platform-metadata field when
asked, with proportional allocation per stratum) and assigns every drawn clip to every listed
coder with ``reliability=True``. The draw depends only on the seed and on the clips' content
hashes (not on import order or ids), so the same seed draws the same clips in a copy of the
project. The seed and the drawn clips are recorded under the project key ``sample_round_N``.

:func:`assign` gives clips to one coder; :func:`split_rest` deals the clips nobody has in a
round out among coders (e.g. the full coding after the reliability sample).
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from annotators.errors import StudyError
from annotators.store.models import Assignment, ProjectMeta, Video

from .coded import CONSENSUS_CODER
from .names import ensure_coder, find_videos

if TYPE_CHECKING:
    from annotators.project import Project

MISSING_STRATUM = "(missing)"


@dataclass(frozen=True)
class SampleReport:
    """What :func:`draw_sample` drew: clip file names per stratum, coders, seed."""

    round: int
    seed: int
    fraction: float
    coders: tuple[str, ...]
    stratify: str | None
    strata: dict[str, list[str]]  # stratum -> drawn file names (one stratum "" when not stratified)
    population: dict[str, int]  # stratum -> clips in it

    @property
    def videos(self) -> list[str]:
        return [name for names in self.strata.values() for name in names]


@dataclass
class AssignReport:
    """File names newly assigned, and those the coder already had in that round."""

    coder: str
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def sample_key(round: int) -> str:
    """The project key under which the draw of ``round`` is recorded."""
    return f"sample_round_{round}"


def draw_sample(
    project: Project,
    *,
    fraction: float,
    coders: Sequence[str],
    seed: int | None = None,
    stratify: str | None = None,
    round: int = 1,
) -> SampleReport:
    """Draw the reliability sample of ``round`` and assign it to every coder (committed).

    Raises :class:`StudyError` for a fraction outside (0, 1], fewer than two coders, the
    consensus coder among them, a project without clips, a ``stratify`` field no clip has, or
    a round that already has a sample (drawing again never duplicates or replaces one).
    """
    names = _checked_coders(coders)
    if not 0 < fraction <= 1:
        raise StudyError(f"the sample fraction must be above 0 and at most 1, not {fraction}")
    seed = random.SystemRandom().randrange(2**31) if seed is None else seed
    with project.write_session() as session:
        _refuse_second_sample(session, round)
        videos = list(session.exec(select(Video)))
        if not videos:
            raise StudyError(f"{project.path.name} has no clips to sample; import videos first")
        strata = _strata(videos, stratify)
        drawn = _draw(strata, fraction, random.Random(seed))
        coder_ids = [ensure_coder(session, name).id for name in names]
        for video in (v for chosen in drawn.values() for v in chosen):
            for coder_id in coder_ids:
                _put(session, coder_id, video.id, round, reliability=True)
        report = SampleReport(
            round, seed, fraction, tuple(names), stratify,
            {key: [v.file_name for v in chosen] for key, chosen in drawn.items()},
            {key: len(members) for key, members in strata.items()},
        )  # fmt: skip
        session.merge(ProjectMeta(key=sample_key(round), value=_record(report, drawn)))
        session.commit()
    return report


def _checked_coders(coders: Sequence[str]) -> list[str]:
    names = list(dict.fromkeys(name.strip() for name in coders if name.strip()))
    if len(names) < 2:
        raise StudyError("a reliability sample needs at least two coders (e.g. --coders A,B)")
    if CONSENSUS_CODER in names:
        raise StudyError(f"'{CONSENSUS_CODER}' is the adjudicated layer, not a coder")
    return names


def _refuse_second_sample(session: Session, round: int) -> None:
    query = select(Assignment.video_id).where(
        Assignment.reliability.is_(True), Assignment.round == round
    )
    existing = set(session.exec(query))
    if existing:
        raise StudyError(
            f"round {round} already has a reliability sample of {len(existing)} clips; "
            f"draw a new one with --round {round + 1}"
        )


def _strata(videos: list[Video], stratify: str | None) -> dict[str, list[Video]]:
    """Clips per stratum, each sorted by content hash (a project-independent order)."""
    groups: dict[str, list[Video]] = defaultdict(list)
    for video in videos:
        key = "" if stratify is None else _stratum(video, stratify)
        groups[key].append(video)
    if stratify is not None and set(groups) == {MISSING_STRATUM}:
        fields = sorted({name for v in videos for name in (v.platform_meta or {})})
        known = ", ".join(fields[:30]) or "none (import metadata first)"
        raise StudyError(f"no clip has the metadata field '{stratify}' (fields: {known})")
    return {key: sorted(groups[key], key=lambda v: v.content_hash) for key in sorted(groups)}


def _stratum(video: Video, name: str) -> str:
    value = (video.platform_meta or {}).get(name)
    return MISSING_STRATUM if value is None or str(value).strip() == "" else str(value).strip()


def allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Proportional allocation of ``total`` draws to strata (largest remainder method).

    Each stratum gets ``floor(total * size / N)``; the draws left over go to the strata with
    the largest remainders (ties: stratum order). No stratum gets more than its size.
    """
    population = sum(sizes.values())
    quotas = {key: total * size / population for key, size in sizes.items()}
    counts = {key: math.floor(q) for key, q in quotas.items()}
    left = total - sum(counts.values())
    by_remainder = sorted(sizes, key=lambda key: -(quotas[key] - counts[key]))
    for key in by_remainder[:left]:
        counts[key] += 1
    return {key: min(count, sizes[key]) for key, count in counts.items()}


def _draw(
    strata: dict[str, list[Video]], fraction: float, rng: random.Random
) -> dict[str, list[Video]]:
    population = sum(len(members) for members in strata.values())
    total = max(1, round(fraction * population))
    counts = allocate({key: len(members) for key, members in strata.items()}, total)
    return {key: rng.sample(strata[key], counts[key]) for key in strata}


def _record(report: SampleReport, drawn: dict[str, list[Video]]) -> str:
    return json.dumps(
        {
            "seed": report.seed,
            "fraction": report.fraction,
            "coders": list(report.coders),
            "stratify": report.stratify,
            "population": report.population,
            "videos": {key: [v.content_hash for v in chosen] for key, chosen in drawn.items()},
        }  # fmt: skip
    )


def _put(session: Session, coder_id: int, video_id: int, round: int, reliability: bool) -> bool:
    """Assign the clip (an existing plain assignment joins the sample); True when new."""
    row = session.exec(
        select(Assignment).where(
            Assignment.coder_id == coder_id,
            Assignment.video_id == video_id,
            Assignment.round == round,
        )
    ).first()
    if row is None:
        session.add(
            Assignment(coder_id=coder_id, video_id=video_id, round=round, reliability=reliability)
        )
        return True
    if reliability and not row.reliability:
        row.reliability = True
        session.add(row)
    return False


def assign(
    project: Project, coder: str, videos: Sequence[str | int], round: int = 1
) -> AssignReport:
    """Assign ``videos`` (file names, hashes or ids) to ``coder`` in ``round`` (committed).

    Clips the coder already has in that round are reported, not duplicated.
    """
    if coder.strip() == CONSENSUS_CODER:
        raise StudyError(f"'{CONSENSUS_CODER}' is the adjudicated layer, not a coder")
    with project.write_session() as session:
        chosen = find_videos(session, videos)
        coder_id = ensure_coder(session, coder).id
        report = AssignReport(coder.strip())
        for video in chosen:
            new = _put(session, coder_id, video.id, round, reliability=False)
            (report.added if new else report.already).append(video.file_name)
        session.commit()
    return report


def split_rest(
    project: Project, coders: Sequence[str], round: int = 1, seed: int | None = None
) -> list[AssignReport]:
    """Deal the clips that nobody has in ``round`` out among ``coders`` (committed).

    The clips are shuffled with ``seed`` and dealt in turn, so the coders get equal shares
    (at most one apart).
    """
    names = list(dict.fromkeys(name.strip() for name in coders if name.strip()))
    if not names:
        raise StudyError("name at least one coder to split the clips among")
    if CONSENSUS_CODER in names:
        raise StudyError(f"'{CONSENSUS_CODER}' is the adjudicated layer, not a coder")
    with project.write_session() as session:
        taken = set(session.exec(select(Assignment.video_id).where(Assignment.round == round)))
        rest = sorted(
            (v for v in session.exec(select(Video)) if v.id not in taken),
            key=lambda v: v.content_hash,
        )
        random.Random(seed).shuffle(rest)
        reports = [AssignReport(name) for name in names]
        ids = [ensure_coder(session, name).id for name in names]
        for position, video in enumerate(rest):
            turn = position % len(names)
            _put(session, ids[turn], video.id, round, reliability=False)
            reports[turn].added.append(video.file_name)
        session.commit()
    return reports
