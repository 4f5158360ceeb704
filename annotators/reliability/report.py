"""The reliability report: every code's results, the disagreements, and what was compared.

>>> report = reliability_report(project, coders=["Ana", "Ben"], boot=1000, seed=1)  # doctest: +SKIP
>>> report.write("reliability.html", "html")                                   # doctest: +SKIP
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from annotators.errors import ReliabilityError
from annotators.jobs import Job, Progress, run_job
from annotators.project import Project
from annotators.safety.outputs import NO_GUARD, OutputGuard

from .bootstrap import Resampler
from .clipvars import clip_result
from .data import RULES, StudyData, load_study
from .result import Disagreement, Result
from .timed import time_results
from .writers import FORMATS, write_report

__all__ = ["FORMATS", "ReliabilityReport", "reliability_job", "reliability_report"]


@dataclass
class ReliabilityReport:
    """Results (one per code and method), disagreements, and ``meta`` (selection, rule,
    bootstrap seed and draws, warnings)."""

    results: list[Result]
    meta: dict[str, Any]
    disagreements: list[Disagreement] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """``{"meta": {...}, "results": [...]}`` plus ``"disagreements"``."""
        return {
            "meta": self.meta,
            "results": [result.to_json() for result in self.results],
            "disagreements": [d.to_json() for d in self.disagreements],
        }

    def write(
        self,
        path: Path | str,
        format: str = "table",  # noqa: A002 (the API)
        guard: OutputGuard = NO_GUARD,
    ) -> Path:
        """Write the report to ``path`` as ``table`` (text), ``csv``, ``json`` or ``html``;
        ``guard``'s files (a project's, see :class:`annotators.safety.OutputGuard`) are refused."""
        return write_report(self, Path(path), format, guard)


def _version() -> str:
    try:
        return version("storyframe")
    except PackageNotFoundError:
        return "unknown"


def _meta(project: Project, data: StudyData, boot: int, seed: int, slice_s: float | None,
          tolerance_s: float) -> dict[str, Any]:  # fmt: skip
    clips = {c.name: len(data.coded[c.id]) for c in data.coders}
    shared = [v for v in data.units() if sum(v in data.coded[c.id] for c in data.coders) >= 2]
    return {
        "project": str(project.path),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "storyframe_version": _version(),
        "codebook": data.codebook.name if data.codebook else None,
        "codebook_version": data.codebook.version if data.codebook else None,
        "coders": data.coder_names(),
        "coded_rule": data.rule,
        "coded_rule_text": RULES[data.rule],
        "clips_per_coder": clips,
        "clips": len(data.units()),
        "shared_clips": len(shared),
        "bootstrap": {
            "draws": boot,
            "seed": seed,
            "method": "clips resampled with replacement (frames resampled with their clip); "
            "percentile 95 % interval",
        },
        "slice_s": slice_s,
        "tolerance_s": tolerance_s,
        "kappa": "Cohen's kappa for two coders, Fleiss' kappa (clips every coder coded) for "
        "more; both on exact agreement",
        "unitizing": "Krippendorff's u-alpha per code; frames start..end inclusive; a coder's "
        "overlapping marks merged; clips joined with a segment break at every clip boundary; "
        "only clips every coder coded",
        "thresholds": {"tentative": 0.667, "reliable": 0.8},
        "warnings": _warnings(data),
    }


def _warnings(data: StudyData) -> list[str]:
    notes = []
    for coder in data.coders:
        if not data.coded[coder.id]:
            notes.append(f"{coder.name} coded none of the selected clips")
    for i, first in enumerate(data.coders):
        for second in data.coders[i + 1 :]:
            if (
                data.coded[first.id]
                and data.coded[second.id]
                and not (data.coded[first.id] & data.coded[second.id])
            ):
                notes.append(f"{first.name} and {second.name} share no coded clip")
    return notes


def _check_comparable(data: StudyData) -> None:
    shared = [v for v in data.units() if sum(v in data.coded[c.id] for c in data.coders) >= 2]
    if not shared:
        counts = ", ".join(f"{c.name}: {len(data.coded[c.id])}" for c in data.coders)
        raise ReliabilityError(
            f"these coders share no coded clip, so there is nothing to compare (clips coded, "
            f"by the rule '{RULES[data.rule]}': {counts})"
        )


def reliability_job(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    videos: Sequence[str] | None = None,
    boot: int = 1000,
    seed: int | None = None,
    slice_s: float | None = None,
    tolerance_s: float = 0.5,
    include_suggested: bool = False,
) -> Job[ReliabilityReport]:
    """The report as a job: yields :class:`Progress` per code, returns the report.

    ``include_suggested`` counts suggestions not accepted as marks (recorded in ``meta``).

    Cancel by closing the generator between codes. ``seed`` ``None`` draws a fresh one (it is
    recorded in ``meta``); the same seed gives the same intervals.
    """
    if boot < 0:
        raise ReliabilityError(f"--boot must be 0 or more, not {boot}")
    if slice_s is not None and slice_s <= 0:
        raise ReliabilityError(f"the slice width must be positive, not {slice_s}")
    if tolerance_s < 0:
        raise ReliabilityError(f"the tolerance must be 0 s or more, not {tolerance_s}")
    yield Progress(0, None, "loading coded clips")
    data = load_study(
        project, coders=coders, codes=codes, videos=videos, timed_seconds=slice_s is not None,
        include_suggested=include_suggested,
    )  # fmt: skip
    _check_comparable(data)
    seed = secrets.randbits(32) if seed is None else seed
    meta = _meta(project, data, boot, seed, slice_s, tolerance_s)
    meta["include_suggested"] = include_suggested
    results: list[Result] = []
    found: list[Disagreement] = []
    resampler = Resampler(seed, boot)

    for done, code in enumerate(data.codes):
        yield Progress(done, len(data.codes), code.key)
        if code.kind == "clip":
            result, differ = clip_result(data, code, boot=resampler)
            results.append(result)
        else:
            many, differ = time_results(data, code, boot=resampler,
                                        slice_s=slice_s, tolerance_s=tolerance_s)  # fmt: skip
            results.extend(many)
        found.extend(differ)
    nobody = [r.code_key for r in results if r.method == "clip" and r.n_pairable == 0 and
              (r.reason or "").startswith("nobody")]  # fmt: skip
    unmarked = [c.key for c in data.codes if c.kind != "clip" and not data.marks.get(c.id)]
    if nobody:
        meta["warnings"].append(f"nobody gave a value for: {', '.join(nobody)}")
    if unmarked:
        meta["warnings"].append(f"nobody marked: {', '.join(unmarked)}")
    yield Progress(len(data.codes), len(data.codes), "done")
    return ReliabilityReport(results=results, meta=meta, disagreements=found)


def reliability_report(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    videos: Sequence[str] | None = None,
    boot: int = 1000,
    seed: int | None = None,
    slice_s: float | None = None,
    tolerance_s: float = 0.5,
    include_suggested: bool = False,
) -> ReliabilityReport:
    """:func:`reliability_job` run to the end (same options)."""
    job = reliability_job(
        project, coders=coders, codes=codes, videos=videos, boot=boot, seed=seed,
        slice_s=slice_s, tolerance_s=tolerance_s, include_suggested=include_suggested,
    )  # fmt: skip
    return run_job(job)
