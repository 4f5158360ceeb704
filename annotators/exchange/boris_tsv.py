"""BORIS's two event layouts as TSV: *tabular events* and *aggregated events*.

Each (video, coder) pair is one BORIS observation, id ``<video file name> - <coder>``, with the
video as its only media file. Columns are exactly those of BORIS's own exports
(``tests/files/test_export_events_tabular.tsv`` and ``..._aggregated_events_...tsv``):

- *tabular* (one file per observation): a header block (observation id, media, date,
  description, time offset, independent variables), then one row per START, STOP or POINT;
  a ``Modifiers`` column after ``Behavioral category`` appears only when some exported
  annotation has a value (BORIS adds modifier columns only when events carry modifiers);
- *aggregated* (one file): one row per event with ``Start (s)``, ``Stop (s)``,
  ``Duration (s)`` (``NA`` for point events) and one column per clip-level variable.

``Behavior`` is the code label, ``Behavioral category`` its category's label, ``Modifiers`` the
stored value. A note written by the BORIS import as ``subject: X; comment`` gives the
``Subject`` back; otherwise the subject is ``No focal subject`` and the note the comment.
Times are seconds with three decimals (an interval ends at its last frame's time, as in
csv-long). Tabs and line breaks inside text become spaces (BORIS files are not quoted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotators.coding.times import TimesResolver
from annotators.errors import ExportError
from annotators.export.catalog import CodeInfo, VideoInfo
from annotators.export.selection import ExportFilter
from annotators.jobs import Job, Progress
from annotators.safety import OutputGuard, write_bytes
from annotators.safety.outputs import NO_GUARD

from .source import ExportData, load_export
from .writing import ExchangeExport

if TYPE_CHECKING:
    from annotators.project import Project

NO_SUBJECT = "No focal subject"
TABULAR_EVENTS = ("Time", "Media file path", "Total length", "FPS", "Subject", "Behavior",
                  "Behavioral category", "Comment", "Status")  # fmt: skip
AGGREGATED_HEAD = ("Observation id", "Observation date", "Description", "Media file",
                   "Total length", "FPS")  # fmt: skip
AGGREGATED_TAIL = (
    "Subject", "Behavior", "Behavioral category", "Modifiers", "Behavior type",
    "Start (s)", "Stop (s)", "Duration (s)", "Comment start", "Comment stop",
)  # fmt: skip
NOT_CARRIED = (
    "BORIS TSV carries times, not frame numbers; annotation ids, sources and timestamps "
    "are not written; tabs and line breaks in notes become spaces"
)
DESCRIPTION = "exported from Storyframe"


@dataclass(frozen=True)
class _Event:
    code: CodeInfo
    start: float
    end: float | None  # None: a point event
    value: str
    subject: str
    comment: str


@dataclass
class _Observation:
    video: VideoInfo
    coder: str
    date: str
    events: list[_Event]
    variables: dict[str, str]  # clip-level code id -> value

    @property
    def name(self) -> str:
        return f"{self.video.file_name} - {self.coder}"


def _clean(text: Any) -> str:
    """A TSV cell: no tabs or line breaks (BORIS writes its files unquoted)."""
    return " ".join(str(text).replace("\t", " ").splitlines()) if text is not None else ""


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _fps(value: float) -> str:
    return str(round(value, 3))


def subject_and_comment(note: str) -> tuple[str, str]:
    """The BORIS subject and comment in a note (``subject: X; rest`` as the import wrote it)."""
    if note.startswith("subject: "):
        subject, _, rest = note[len("subject: ") :].partition("; ")
        return subject.strip() or NO_SUBJECT, rest
    return NO_SUBJECT, note


def _observations(data: ExportData) -> list[_Observation]:
    """One observation per (video, coder) with data, ordered by file name then coder."""
    found: dict[tuple[int, int], _Observation] = {}

    def observation(video_id: int, coder_id: int, created: Any) -> _Observation:
        key = (video_id, coder_id)
        if key not in found:
            date = created.strftime("%Y-%m-%d %H:%M:%S") if created else ""
            found[key] = _Observation(data.videos[video_id], data.coders[coder_id], date, [], {})
        return found[key]

    for row in data.annotations:
        code = data.codes[row["code_id"]]
        subject, comment = subject_and_comment(row.get("note") or "")
        obs = observation(row["video_id"], row["coder_id"], row.get("created_at"))
        obs.events.append(
            _Event(code, row["start_s"], row["end_s"], row.get("value") or "", subject, comment)
        )
    for row in data.clip_values:
        obs = observation(row["video_id"], row["coder_id"], row.get("created_at"))
        obs.variables[str(row["code_id"])] = row.get("value") or ""
    for obs in found.values():
        obs.events.sort(key=lambda e: (e.start, e.code.sort_order))
    return sorted(found.values(), key=lambda o: (o.video.file_name, o.video.id, o.coder))


def _category(code: CodeInfo) -> str:
    parts = code.path.split(" / ")
    return parts[-2] if code.ancestors and len(parts) > 1 else ""


def _variable_codes(data: ExportData) -> list[CodeInfo]:
    return [code for code in data.codebook_codes() if code.is_clip]


# --- aggregated ---------------------------------------------------------------------------


def aggregated_rows(data: ExportData) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the aggregated layout."""
    variables = _variable_codes(data)
    header = [*AGGREGATED_HEAD, *(_clean(code.label) for code in variables), *AGGREGATED_TAIL]
    rows = []
    for obs in _observations(data):
        video = obs.video
        head = [obs.name, obs.date, DESCRIPTION, video.file_name,
                _seconds(video.duration_s), _fps(video.fps)]  # fmt: skip
        head += [obs.variables.get(str(code.id), "") for code in variables]
        for event in obs.events:
            point = event.end is None
            stop = event.start if point else event.end
            rows.append([_clean(cell) for cell in [
                *head, event.subject, event.code.label, _category(event.code), event.value,
                "POINT" if point else "STATE", _seconds(event.start), _seconds(stop),
                "NA" if point else _seconds(stop - event.start), event.comment, "",
            ]])  # fmt: skip
    return header, rows


# --- tabular ------------------------------------------------------------------------------


def tabular_lines(obs: _Observation, variables: list[CodeInfo], modifiers: bool) -> list[list]:
    """The rows of one observation's tabular file (header block, then events)."""
    columns = list(TABULAR_EVENTS)
    if modifiers:
        columns.insert(columns.index("Comment"), "Modifiers")
    blank: list[str] = []
    block = [
        ["Observation id", obs.name], blank, ["Media file(s)"], blank,
        ["Player #1", obs.video.file_name], blank, ["Observation date", obs.date], blank,
        ["Description", DESCRIPTION], blank, ["Time offset (s)", "0.0"], blank,
        ["independent variables"], ["variable", "value"],
        *([code.label, obs.variables.get(str(code.id), "")] for code in variables), blank,
    ]  # fmt: skip
    video = obs.video
    length, fps = _seconds(video.duration_s), _fps(video.fps)
    events = []
    for event in obs.events:
        statuses = [("POINT", event.start)] if event.end is None else [
            ("START", event.start), ("STOP", event.end)
        ]  # fmt: skip
        for status, time in statuses:
            cells = [_seconds(time), video.file_name, length, fps, event.subject,
                     event.code.label, _category(event.code), event.comment, status]  # fmt: skip
            if modifiers:
                cells.insert(columns.index("Modifiers"), event.value)
            events.append((time, status != "START", cells))
    events.sort(key=lambda item: (item[0], item[1]))
    width = len(columns)
    padded = [[_clean(c) for c in row] + [""] * (width - len(row)) for row in block]
    return [*padded, columns, *(cells for _t, _s, cells in events)]


def _tsv(rows: Iterable[list[str]]) -> bytes:
    return "".join("\t".join(_clean(c) for c in row) + "\n" for row in rows).encode("utf-8")


def _observation_paths(out: Path, observations: list[_Observation]) -> list[Path]:
    if out.suffix.lower() == ".tsv":
        if len(observations) != 1:
            raise ExportError(
                f"{out}: {len(observations)} observations (video x coder) selected; give a "
                "folder (one .tsv per observation) or select one video and coder"
            )
        return [out]
    used: set[str] = set()
    paths = []
    for obs in observations:
        stem = f"{Path(obs.video.file_name).stem}_{obs.coder}"
        stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)
        name, number = stem, 2
        while name.lower() in used:
            name, number = f"{stem}_{number}", number + 1
        used.add(name.lower())
        paths.append(out / f"{name}.tsv")
    return paths


def export_tabular(
    project: Project,
    out: Path,
    flt: ExportFilter | None = None,
    times: TimesResolver | None = None,
    *,
    guard: OutputGuard | None = None,
) -> Job[ExchangeExport]:
    """Job writing one tabular-events TSV per observation (``out`` a folder, or a ``.tsv``
    file when one video x coder is selected)."""
    result = ExchangeExport("boris-tsv", notes=[NOT_CARRIED])
    with project.session() as session:
        data = load_export(session, flt)
    observations = _observations(data)
    variables = _variable_codes(data)
    modifiers = any(row.get("value") for row in data.annotations)
    paths = _observation_paths(Path(out), observations)
    for done, (obs, path) in enumerate(zip(observations, paths, strict=True)):
        yield Progress(done, len(observations), obs.name)
        write_bytes(path, _tsv(tabular_lines(obs, variables, modifiers)), guard=guard or NO_GUARD)
        result.files.append(path)
        result.annotations += len(obs.events)
        result.clip_values += len(obs.variables)
    yield Progress(len(observations), len(observations), "done")
    return result


def export_aggregated(
    project: Project,
    out: Path,
    flt: ExportFilter | None = None,
    times: TimesResolver | None = None,
    *,
    guard: OutputGuard | None = None,
) -> Job[ExchangeExport]:
    """Job writing the aggregated-events TSV of the selection to ``out`` (a ``.tsv`` file, or
    ``aggregated_events.tsv`` inside the folder ``out``)."""
    result = ExchangeExport("boris-aggregated", notes=[NOT_CARRIED])
    yield Progress(0, 1, "reading")
    with project.session() as session:
        data = load_export(session, flt)
    header, rows = aggregated_rows(data)
    path = Path(out) if Path(out).suffix.lower() == ".tsv" else Path(out) / "aggregated_events.tsv"
    write_bytes(path, _tsv([header, *rows]), guard=guard or NO_GUARD)
    result.files.append(path)
    result.annotations = len(rows)
    result.clip_values = len(data.clip_values)
    yield Progress(1, 1, "done")
    return result
