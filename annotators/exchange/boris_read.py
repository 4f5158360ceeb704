"""Reading BORIS projects (``.boris``, JSON): ethogram, observations, events, variables.

:func:`parse_boris` turns the file into neutral records and never touches a project:

- the ethogram becomes :class:`~annotators.codebook.CodeSpec` codes: a *State event* an
  ``interval`` code, a *Point event* a ``point`` code; one set of single-choice modifiers
  becomes the code's nominal options, several sets become one nominal option per combination
  (``m1|n2``, BORIS's own spelling), numeric modifiers a number, anything else text;
- independent variables become clip-level codes (``numeric`` a number, ``value from set`` a
  nominal code with the listed values, anything else text);
- state events are paired START/STOP per subject, behaviour and modifiers (BORIS's rule); a
  START without its STOP is reported, not guessed;
- each event is placed on the media file of the first player whose playlist covers it: the
  media time is the observation time minus the observation's ``time offset``, minus the
  player's media offset, minus the length of the files before it in the playlist;
- the focal subject and the comment go into the annotation's note (Storyframe has no subjects).

Every problem is a line in :attr:`BorisFile.problems`; only an unreadable file raises
:class:`~annotators.errors.ExportError`.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from annotators.codebook import CodeSpec, Option
from annotators.errors import ExportError

from .keys import key_from_name

STATE, POINT = "State event", "Point event"
# BORIS writes "None" for "no modifier chosen"
NO_MODIFIER = ("", "None")
# more combinations of several modifier sets than this become a text code
MAX_COMBINATIONS = 200
MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class TimedEvent:
    """One annotation on one media file: ``end_s`` is ``None`` for a point event."""

    observation: str
    media: str  # file name (no folder) of the media file
    code: str
    start_s: float
    end_s: float | None
    value: str | None
    note: str


@dataclass(frozen=True)
class ClipEntry:
    """The value of one clip-level variable for one media file of an observation."""

    observation: str
    media: str
    code: str
    value: str


@dataclass
class BorisFile:
    """Everything :func:`parse_boris` could read; ``problems`` lists what it could not map."""

    name: str
    codes: list[CodeSpec] = field(default_factory=list)
    events: list[TimedEvent] = field(default_factory=list)
    clip_values: list[ClipEntry] = field(default_factory=list)
    observers: dict[str, str] = field(default_factory=dict)  # observation id -> observer
    problems: list[str] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # code keys given out so far


def looks_like_boris(path: Path) -> bool:
    """True when ``path`` is a ``.boris`` file or JSON that starts like a BORIS project."""
    path = Path(path)
    if path.suffix.lower() == ".boris":
        return True
    try:
        with path.open("rb") as file:
            head = file.read(1 << 20)
    except OSError:
        return False
    return head.lstrip()[:1] == b"{" and b'"behaviors_conf"' in head


def read_boris(
    path: Path, media_override: str | None = None, available: Collection[str] | None = None
) -> BorisFile:
    """Parse the BORIS project at ``path`` (see the module docstring).

    ``media_override`` places every observation's events on that media name instead of the
    files the observation names (``--video``; the only way to use LIVE observations).
    ``available`` (the project's video file names) restricts placement to those files, so an
    event goes to player 2's file when only that one is in the project.
    Raises :class:`ExportError` naming the file when it is not a readable BORIS project.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ExportError(f"{path}: larger than {MAX_BYTES // 2**20} MB, not a BORIS project")
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text, parse_constant=_refuse_constant)
    except OSError as error:
        raise ExportError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise ExportError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise ExportError(f"{path}:{error.lineno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise ExportError(f"{path}: JSON nested too deeply") from None
    return parse_boris(data, path.name, media_override, available)


def _refuse_constant(name: str) -> float:
    raise json.JSONDecodeError(f"{name} is not a time", name, 0)


def parse_boris(
    data: Any,
    source: str,
    media_override: str | None = None,
    available: Collection[str] | None = None,
) -> BorisFile:
    """:func:`read_boris` on already decoded JSON; ``source`` names the file in messages."""
    if not isinstance(data, dict) or not isinstance(data.get("behaviors_conf"), dict):
        raise ExportError(f"{source}: not a BORIS project (no ethogram 'behaviors_conf')")
    result = BorisFile(name=_text(data.get("project_name")) or Path(source).stem)
    behaviours = _ethogram(data["behaviors_conf"], result)
    variables = _variables(_mapping(data.get("independent_variables")), result)
    result.codes = [b.spec for b in behaviours.values()] + list(variables.values())
    observations = data.get("observations")
    if not isinstance(observations, dict):
        raise ExportError(f"{source}: not a BORIS project ('observations' is not an object)")
    for obs_id, obs in observations.items():
        if not isinstance(obs, dict):
            result.problems.append(f"observation {obs_id!r}: not an object, skipped")
            continue
        where = _Where(media_override, None if available is None else frozenset(available))
        _observation(str(obs_id), obs, behaviours, variables, where, result)
    return result


# --- ethogram and variables ---------------------------------------------------------------


@dataclass(frozen=True)
class _Behaviour:
    spec: CodeSpec
    is_state: bool


def _ethogram(conf: Mapping[str, Any], result: BorisFile) -> dict[str, _Behaviour]:
    """Behaviours by BORIS code; duplicates and unknown types are reported."""
    found: dict[str, _Behaviour] = {}
    for index, entry in sorted(conf.items(), key=lambda item: _int(item[0])):
        if not isinstance(entry, dict) or not _text(entry.get("code")):
            result.problems.append(f"ethogram entry {index}: no behaviour code, skipped")
            continue
        name, kind = _text(entry.get("code")), _text(entry.get("type"))
        if "state" not in kind.lower() and "point" not in kind.lower():
            result.problems.append(f"behaviour {name!r}: unknown type {kind!r}, skipped")
            continue
        if name in found:
            result.problems.append(f"behaviour {name!r} is defined twice, the first one kept")
            continue
        key = key_from_name(name, result.keys)
        value_type, options = _modifier_values(name, _mapping(entry.get("modifiers")), result)
        is_state = "state" in kind.lower()
        spec = CodeSpec(
            key=key,
            label=name,
            kind="interval" if is_state else "point",
            value_type=value_type,
            options=options,
            definition=_text(entry.get("description")),
            shortcut=None,  # BORIS keys clash with Storyframe's own; set them in the codebook
        )
        found[name] = _Behaviour(spec, is_state)
    return found


def _modifier_sets(modifiers: Mapping[str, Any]) -> list[dict[str, Any]]:
    sets = [m for _i, m in sorted(modifiers.items(), key=lambda i: _int(i[0]))]
    return [m for m in sets if isinstance(m, dict)]


def _modifier_values(
    name: str, modifiers: Mapping[str, Any], result: BorisFile
) -> tuple[str, tuple[Option, ...]]:
    """Value type and options of a behaviour from its modifier sets."""
    sets = _modifier_sets(modifiers)
    if not sets:
        return "presence", ()
    if len(sets) == 1 and _int(sets[0].get("type")) == 2:
        return "number", ()
    if any(_int(m.get("type")) != 0 for m in sets):
        result.problems.append(
            f"behaviour {name!r}: multiple-choice or numeric modifiers kept as text"
        )
        return "text", ()
    choices = [[_strip_key(_text(v)) for v in m.get("values", []) if _text(v)] for m in sets]
    combos = math.prod(len(c) for c in choices)
    if combos == 0 or combos > MAX_COMBINATIONS:
        result.problems.append(f"behaviour {name!r}: {combos} modifier combinations kept as text")
        return "text", ()
    names = [_text(m.get("name")) or f"modifier {i + 1}" for i, m in enumerate(sets)]
    options = tuple(
        Option("|".join(combo), _combo_label(names, combo)) for combo in itertools.product(*choices)
    )
    return "nominal", options


def _combo_label(names: list[str], combo: tuple[str, ...]) -> str:
    """``m1`` for one modifier set, ``modif #1: m1, modif #2: n2`` for several."""
    if len(combo) == 1:
        return combo[0]
    return ", ".join(f"{name}: {value}" for name, value in zip(names, combo, strict=True))


def _strip_key(value: str) -> str:
    """BORIS modifier values may carry a shortcut key: ``"m1 (a)"`` is the value ``m1``."""
    return re.sub(r"\s*\(\w\)$", "", value)


def _variables(conf: Mapping[str, Any], result: BorisFile) -> dict[str, CodeSpec]:
    """Clip-level codes by BORIS variable label."""
    found: dict[str, CodeSpec] = {}
    for index, entry in sorted(conf.items(), key=lambda item: _int(item[0])):
        label = _text(entry.get("label")) if isinstance(entry, dict) else ""
        if not label:
            result.problems.append(f"independent variable {index}: no label, skipped")
            continue
        kind = _text(entry.get("type")).lower()
        listed = [v.strip() for v in _text(entry.get("possible values")).split(",") if v.strip()]
        value_type, options = "text", ()
        if kind == "numeric":
            value_type = "number"
        elif kind == "value from set" and listed:
            value_type, options = "nominal", tuple(Option(v, v) for v in dict.fromkeys(listed))
        elif kind not in ("text", "timestamp", "value from set"):
            result.problems.append(f"independent variable {label!r}: type {kind!r} kept as text")
        found[label] = CodeSpec(
            key=key_from_name(label, result.keys),
            label=label,
            kind="clip",
            value_type=value_type,
            options=options,
            definition=_text(entry.get("description")),
        )
    return found


# --- observations -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    """One media file of a player's playlist: ``start`` and ``end`` in observation time."""

    player: str
    media: str
    start: float
    end: float


def live_media(obs_id: str) -> str:
    """The placeholder media name of an observation without media files."""
    return f"(no media: observation {obs_id})"


def media_name(path: str) -> str:
    """File name of a media path written on any system (BORIS stores absolute paths)."""
    return PureWindowsPath(path).name if "\\" in path else PurePosixPath(path).name


def _slots(obs_id: str, obs: dict[str, Any], result: BorisFile) -> list[_Slot]:
    """The media files of every player in order, placed on the observation's time axis."""
    files, info = obs.get("file"), _mapping(obs.get("media_info"))
    lengths, offsets = _mapping(info.get("length")), _mapping(info.get("offset"))
    slots: list[_Slot] = []
    if not isinstance(files, dict):
        return slots
    for player, playlist in sorted(files.items(), key=lambda item: _int(item[0])):
        start = _number(offsets.get(str(player)), 0.0)
        for path in playlist if isinstance(playlist, list) else []:
            length = _number(lengths.get(path), math.nan)
            if not math.isfinite(length) or length <= 0:
                result.problems.append(
                    f"observation {obs_id!r}: no length for {path!r}; later files of player "
                    f"{player} are not placed"
                )
                slots.append(_Slot(str(player), media_name(_text(path)), start, math.inf))
                break
            slots.append(_Slot(str(player), media_name(_text(path)), start, start + length))
            start += length
    return slots


@dataclass(frozen=True)
class _Where:
    override: str | None
    available: frozenset[str] | None


def _observation(
    obs_id: str,
    obs: dict[str, Any],
    behaviours: dict[str, _Behaviour],
    variables: dict[str, CodeSpec],
    where: _Where,
    result: BorisFile,
) -> None:
    """Add the events and variable values of one observation to ``result``."""
    if _text(obs.get("observer")):
        result.observers[obs_id] = _text(obs["observer"])
    offset = _number(obs.get("time offset"), 0.0)
    slots = _slots(obs_id, obs, result)
    named = ", ".join(dict.fromkeys(slot.media for slot in slots)) or "no media file"
    if where.override:
        slots = [_Slot("1", where.override, 0.0, math.inf)]
    elif where.available is not None:
        slots = [slot for slot in slots if slot.media in where.available]
    events = obs.get("events") if isinstance(obs.get("events"), list) else []
    if not slots and where.available is None and events:
        # a LIVE observation (or one whose files BORIS did not measure): its events keep a
        # placeholder media name, which the import reports unless --video names the clip
        slots = [_Slot("1", live_media(obs_id), 0.0, math.inf)]
    if not slots:
        if events:
            result.problems.append(
                f"observation {obs_id!r}: {len(events)} events not imported: {named} "
                "is not in the project (give --video)"
            )
        return
    for event in _paired(obs_id, events, behaviours, result):
        _place(obs_id, event, slots, offset, result)
    _clip_values(obs_id, _mapping(obs.get("independent_variables")), variables, slots, result)


@dataclass(frozen=True)
class _Event:
    code: str
    start: float
    end: float | None
    value: str | None
    note: str


def _paired(
    obs_id: str, events: list[Any], behaviours: dict[str, _Behaviour], result: BorisFile
) -> Iterator[_Event]:
    """Events in time order; state events paired START/STOP by subject, code and modifiers."""
    open_states: dict[tuple[str, str, str], tuple[float, str]] = {}
    rows = []
    for index, row in enumerate(events):
        time = _number(row[0], math.nan) if isinstance(row, list) and len(row) >= 3 else math.nan
        if not math.isfinite(time) or time < 0:
            result.problems.append(f"observation {obs_id!r}: event {index} has no valid time")
            continue
        rows.append((time, index, row))
    for time, _index, row in sorted(rows, key=lambda r: (r[0], r[1])):
        subject, name = _text(row[1]), _text(row[2])
        modifiers = _text(row[3]) if len(row) > 3 else ""
        comment = _text(row[4]) if len(row) > 4 else ""
        behaviour = behaviours.get(name)
        if behaviour is None:
            result.problems.append(
                f"observation {obs_id!r}: event at {time:.3f} s: behaviour {name!r} is not in "
                "the ethogram, skipped"
            )
            continue
        note = "; ".join(p for p in (f"subject: {subject}" if subject else "", comment) if p)
        if not behaviour.is_state:
            yield _Event(behaviour.spec.key, time, None, _value(modifiers), note)
            continue
        key = (subject, name, modifiers)
        if key not in open_states:
            open_states[key] = (time, note)
            continue
        start, start_note = open_states.pop(key)
        joined = "; ".join(dict.fromkeys(p for p in (start_note, note) if p))
        yield _Event(behaviour.spec.key, start, time, _value(modifiers), joined)
    for (subject, name, _mods), (start, _note) in open_states.items():
        who = f" of {subject}" if subject else ""
        result.problems.append(
            f"observation {obs_id!r}: state event {name!r}{who} started at {start:.3f} s "
            "has no STOP, skipped"
        )


def _value(modifiers: str) -> str | None:
    return None if modifiers.strip() in NO_MODIFIER else _strip_key(modifiers.strip())


def _place(
    obs_id: str, event: _Event, slots: list[_Slot], offset: float, result: BorisFile
) -> None:
    """Put ``event`` on the first media file whose span holds its start (see module doc)."""
    start = event.start - offset
    for slot in slots:
        if slot.start <= start < slot.end:
            # rounded to microseconds: the subtractions must not leave 47.80499999999998
            end = None if event.end is None else round(event.end - offset - slot.start, 6)
            begin = round(start - slot.start, 6)
            result.events.append(
                TimedEvent(obs_id, slot.media, event.code, begin, end, event.value, event.note)
            )
            return
    result.problems.append(
        f"observation {obs_id!r}: event {event.code!r} at {event.start:.3f} s lies on no "
        "media file, skipped"
    )


def _clip_values(
    obs_id: str,
    values: Mapping[str, Any],
    variables: dict[str, CodeSpec],
    slots: list[_Slot],
    result: BorisFile,
) -> None:
    """The observation's variable values, for every media file it names (once each)."""
    for label, value in values.items():
        text = _text(value).strip()
        if not text:
            continue
        spec = variables.get(label)
        if spec is None:
            result.problems.append(f"observation {obs_id!r}: variable {label!r} is not defined")
            continue
        for media in dict.fromkeys(slot.media for slot in slots):
            result.clip_values.append(ClipEntry(obs_id, media, spec.key, text))


# --- tolerant scalars ---------------------------------------------------------------------


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 10**9


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number if math.isfinite(number) else default
