"""The BORIS format: ``.boris`` project import (:mod:`.boris_read`) and the TSV event
exports (:mod:`.boris_tsv`), registered with the exchange registry.

Import mapping (see ``docs/exchange.md``): the ethogram and the independent variables become
codes in a new category ``BORIS: <project name>`` (existing keys are used as they are);
observations become annotations on the project video with the media file's name (or
``--video``), coded by ``--coder``, else the observation's observer, else ``boris``.
"""

from __future__ import annotations

from pathlib import Path

from annotators.codebook import CodeSpec

from .boris_read import BorisFile, looks_like_boris, read_boris
from .boris_tsv import export_aggregated, export_tabular
from .keys import key_from_name
from .plan import AnnotationDraft, ClipValueDraft, CodeDraft, ImportPlan, VideoRef
from .registry import Format, register

DEFAULT_CODER = "boris"


def detect_boris(path: Path) -> bool:
    """A JSON file holding a BORIS ethogram (``behaviors_conf``)."""
    return looks_like_boris(path)


def read_boris_plan(path: Path, *, coder: str | None = None) -> ImportPlan:
    """The BORIS project ``path`` as an import plan (nothing is stored).

    Raises :class:`~annotators.errors.ExportError` naming the file when it is not a readable
    BORIS project; everything it could read but not map is in ``plan.problems``.
    """
    path = Path(path)
    parsed = read_boris(path)
    plan = ImportPlan(source=path, format="boris")
    plan.problems += [f"{path.name}: {problem}" for problem in parsed.problems]
    plan.codes = _code_drafts(parsed)

    def who(observation: str) -> str:
        return plan.add_coder(coder or parsed.observers.get(observation) or DEFAULT_CODER)

    for event in parsed.events:
        plan.annotations.append(
            AnnotationDraft(
                video=plan.add_video(VideoRef(file_name=event.media)),
                code_key=event.code,
                coder=who(event.observation),
                start_s=event.start_s,
                end_s=event.end_s,
                value=event.value,
                note=event.note,
                origin=f"{path.name}: observation {event.observation!r}, {event.code!r} "
                f"at {event.start_s:.3f} s",
            )
        )
    for entry in parsed.clip_values:
        plan.clip_values.append(
            ClipValueDraft(
                video=plan.add_video(VideoRef(file_name=entry.media)),
                code_key=entry.code,
                coder=who(entry.observation),
                value=entry.value,
                origin=f"{path.name}: observation {entry.observation!r}, variable {entry.code!r}",
            )
        )
    return plan


def _code_drafts(parsed: BorisFile) -> list[CodeDraft]:
    """The category for the file's codes, then one draft per behaviour and variable."""
    category = key_from_name(f"boris {parsed.name}", set(parsed.keys))
    drafts = [CodeDraft(key=category, label=f"BORIS: {parsed.name}", kind="category")]
    drafts += [_draft(spec, category) for spec in parsed.codes]
    return drafts


def _draft(spec: CodeSpec, parent: str) -> CodeDraft:
    return CodeDraft(
        key=spec.key,
        label=spec.label,
        kind=spec.kind,
        value_type=spec.value_type,
        options=tuple((option.value, option.label) for option in spec.options),
        parent=parent,
        definition=spec.definition,
    )


BORIS = register(
    Format(
        name="boris",
        title="BORIS project (.boris)",
        extensions=(".boris",),
        detect=detect_boris,
        read=read_boris_plan,
        export=None,
    )
)
BORIS_TSV = register(
    Format(
        name="boris-tsv",
        title="BORIS tabular events (.tsv)",
        extensions=(".tsv",),
        detect=lambda path: False,  # an export layout; BORIS projects are imported instead
        export=export_tabular,
    )
)
BORIS_AGGREGATED = register(
    Format(
        name="boris-aggregated",
        title="BORIS aggregated events (.tsv)",
        extensions=(".tsv",),
        detect=lambda path: False,
        export=export_aggregated,
    )
)
