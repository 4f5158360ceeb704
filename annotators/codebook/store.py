"""Codebooks inside a project: install, read back, pick the active one, and versioned updates.

Functions take an open ``sqlmodel.Session`` and flush but never commit: the caller decides
the transaction (``Project.create`` installs the default codebook in its own). Every saved
version's YAML is kept in ``CodebookVersion`` so each annotation is traceable to the codebook
it was coded with.

Update rules (a codebook that already has annotations stays valid):
- codes are matched by ``key``: a kept key keeps its row id, so relabelling or moving a code
  keeps all its annotations;
- a removed code that has annotations or clip values is refused with :class:`CodeInUseError`
  unless the caller confirms (``retire_in_use=True``); it is then marked ``retired`` and
  nothing is deleted. Removed codes without any data are deleted;
- an edit that would make stored data invalid (a used option removed, a used clip-level
  variable turned into a time code...) is refused with :class:`CodebookError`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from annotators.errors import CodebookError
from annotators.store.models import (
    Annotation,
    ClipValue,
    Code,
    Codebook,
    CodebookVersion,
    ProjectMeta,
    utcnow,
)

from .dump import codebook_to_yaml
from .parse import read_codebook
from .spec import CATEGORY, CodebookSpec, CodeSpec, Option
from .values import normalize_value

ACTIVE_CODEBOOK_KEY = "active_codebook_id"
DEFAULT_CODEBOOK_PATH = (
    Path(__file__).resolve().parents[2] / "resources/codebooks/social_cause.yaml"
)


class CodeInUseError(CodebookError):
    """Removing codes that carry coded data; ``in_use`` maps each code key to its row count.

    Ask the user, then call :func:`update_codebook` again with ``retire_in_use=True``.
    """

    def __init__(self, codebook_name: str, in_use: dict[str, int]) -> None:
        self.in_use = in_use
        listed = ", ".join(f"'{key}' ({count} coded)" for key, count in sorted(in_use.items()))
        super().__init__(
            f"codebook '{codebook_name}': removing codes that have coded data: {listed}. "
            "Confirm to retire them (their annotations are kept) or keep them in the codebook."
        )


@dataclass(frozen=True)
class CodebookUpdate:
    """What :func:`update_codebook` did, by code key; ``version`` is the version now current."""

    version: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def is_noop(self) -> bool:
        return not (self.added or self.changed or self.retired or self.deleted)


def load_default_codebook() -> CodebookSpec:
    """The shipped social-cause codebook (``resources/codebooks/social_cause.yaml``)."""
    return read_codebook(DEFAULT_CODEBOOK_PATH)


def install_default_codebook(session: Session) -> Codebook:
    """Install the shipped default codebook, keeping its file text (comments) as version 1."""
    text = DEFAULT_CODEBOOK_PATH.read_text(encoding="utf-8")
    return install_codebook(session, load_default_codebook(), yaml_text=text)


def install_codebook(
    session: Session, spec: CodebookSpec, *, yaml_text: str | None = None, activate: bool = True
) -> Codebook:
    """Add ``spec`` as a new codebook (version 1) and return its row.

    ``yaml_text`` is stored as the version's text (default: ``spec`` written as YAML).
    With ``activate`` the new codebook becomes the project's active codebook.
    """
    codebook = Codebook(name=spec.name, description=spec.description)
    session.add(codebook)
    session.flush()
    _write_codes(session, codebook, spec, existing={})
    session.add(
        CodebookVersion(
            codebook_id=codebook.id, version=1, yaml_text=yaml_text or codebook_to_yaml(spec)
        )
    )
    if activate:
        set_active_codebook(session, codebook)
    session.flush()
    return codebook


def set_active_codebook(session: Session, codebook: Codebook) -> None:
    """Make ``codebook`` the one new annotations are coded with."""
    session.merge(ProjectMeta(key=ACTIVE_CODEBOOK_KEY, value=str(codebook.id)))


def active_codebook(session: Session) -> Codebook | None:
    """The project's active codebook, or ``None`` when none is installed."""
    meta = session.get(ProjectMeta, ACTIVE_CODEBOOK_KEY)
    return session.get(Codebook, int(meta.value)) if meta is not None else None


def codebook_codes(session: Session, codebook: Codebook, *, retired: bool = False) -> list[Code]:
    """Rows of ``codebook`` in codebook order; retired codes only when ``retired``."""
    query = select(Code).where(Code.codebook_id == codebook.id)
    if not retired:
        query = query.where(Code.retired == False)  # noqa: E712 (SQL expression)
    return list(session.exec(query.order_by(Code.sort_order, Code.id)))


def load_codebook_from_db(session: Session, codebook: Codebook) -> CodebookSpec:
    """The current (not retired) codes of ``codebook`` as a spec, equal to what was installed."""
    rows = codebook_codes(session, codebook)
    children: dict[int | None, list[Code]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    def build(row: Code) -> CodeSpec:
        return _spec_of(row, tuple(build(child) for child in children.get(row.id, [])))

    return CodebookSpec(
        name=codebook.name,
        description=codebook.description,
        codes=tuple(build(row) for row in children.get(None, [])),
    )


def export_codebook_yaml(session: Session, codebook: Codebook) -> str:
    """YAML text of the current version of ``codebook`` (importable with :func:`read_codebook`),
    with its ``suggest:`` rules."""
    from .rule_store import suggest_rules, with_rules  # the rules live in the version's YAML

    spec = load_codebook_from_db(session, codebook)
    return codebook_to_yaml(with_rules(spec, suggest_rules(session, codebook)))


def update_codebook(
    session: Session,
    codebook: Codebook,
    new: CodebookSpec,
    *,
    retire_in_use: bool = False,
    yaml_text: str | None = None,
) -> CodebookUpdate:
    """Replace ``codebook``'s codes by ``new`` as the next version (see the module rules).

    Raises :class:`CodeInUseError` (nothing changed) when removed codes carry data and
    ``retire_in_use`` is false, and :class:`CodebookError` when an edit would invalidate
    stored values. An update identical to the current version changes nothing.
    """
    existing = {row.key: row for row in codebook_codes(session, codebook, retired=True)}
    usage = _usage_counts(session, [row.id for row in existing.values()])
    new_by_key = new.by_key()
    removed = [row for key, row in existing.items() if key not in new_by_key and not row.retired]
    in_use = {row.key: usage[row.id] for row in removed if usage[row.id]}
    if in_use and not retire_in_use:
        raise CodeInUseError(codebook.name, in_use)
    _check_compatible(session, existing, new_by_key, usage)
    current = load_codebook_from_db(session, codebook)
    from .rule_store import suggest_rules  # rules compare apart: they live in the YAML only

    old_rules = suggest_rules(session, codebook)
    new_rules = {code.key: code.suggest for code in new.codes_only() if code.suggest}
    if current == new and old_rules == new_rules:
        return CodebookUpdate(version=codebook.version)
    added = [key for key in new_by_key if key not in existing or existing[key].retired]
    changed = [
        key
        for key, spec in new_by_key.items()
        if key not in added
        and (
            _fields(spec) != _fields(_spec_of(existing[key], ()))
            or old_rules.get(key, ()) != new_rules.get(key, ())
        )
    ]
    _write_codes(session, codebook, new, existing)
    # rows that must stay: removed codes with data, and codes retired by earlier versions
    anchors = [row for row in removed if row.key in in_use]
    anchors += [row for row in existing.values() if row.retired and row.key not in new_by_key]
    retired, deleted = _remove_codes(session, removed, anchors)
    codebook.version += 1
    codebook.name, codebook.description, codebook.updated_at = new.name, new.description, utcnow()
    session.add(codebook)
    session.add(
        CodebookVersion(
            codebook_id=codebook.id,
            version=codebook.version,
            yaml_text=yaml_text or codebook_to_yaml(new),
        )
    )
    session.flush()
    return CodebookUpdate(codebook.version, added, changed, retired, deleted)


def _write_codes(
    session: Session, codebook: Codebook, spec: CodebookSpec, existing: dict[str, Code]
) -> None:
    """Insert or update one row per entry of ``spec``, parents before children."""
    rows: dict[str, Code] = {}
    for order, (entry, parent) in enumerate(spec.walk()):
        row = existing.get(entry.key) or Code(codebook_id=codebook.id, key=entry.key)
        for name, value in _fields(entry).items():
            setattr(row, name, value)
        row.parent_id = rows[parent.key].id if parent is not None else None
        row.sort_order, row.retired = order, False
        session.add(row)
        rows[entry.key] = row
        if entry.is_category:
            session.flush()  # children need the category's id


def _remove_codes(
    session: Session, removed: list[Code], anchors: list[Code]
) -> tuple[list[str], list[str]]:
    """Retire the removed codes that are ``anchors`` or categories above one; delete the rest.

    A retired code keeps its category path so exports still show where it belonged.
    """
    by_id = {row.id: row for row in removed}
    keep: set[int] = set()
    for anchor in anchors:
        node: Code | None = anchor
        while node is not None:
            keep.add(node.id)
            node = by_id.get(node.parent_id)
    session.flush()
    retired, deleted = [], []
    for row in sorted(removed, key=lambda r: -_depth(r, by_id)):
        if row.id in keep:
            row.retired = True
            session.add(row)
            retired.append(row.key)
        else:
            session.delete(row)
            session.flush()  # children go before their category (self-referencing key)
            deleted.append(row.key)
    session.flush()
    return retired, deleted


def _depth(row: Code, by_id: dict[int, Code]) -> int:
    depth, node = 0, row
    while node.parent_id in by_id:
        depth, node = depth + 1, by_id[node.parent_id]
    return depth


def _usage_counts(session: Session, code_ids: list[int]) -> Counter[int]:
    """Annotations plus clip values per code id."""
    counts: Counter[int] = Counter()
    for table in (Annotation, ClipValue):
        query = (
            select(table.code_id, func.count())
            .where(table.code_id.in_(code_ids))
            .group_by(table.code_id)
        )
        counts.update(dict(session.exec(query).all()))
    return counts


def _check_compatible(
    session: Session,
    existing: dict[str, Code],
    new_by_key: dict[str, CodeSpec],
    usage: Counter[int],
) -> None:
    """Raise :class:`CodebookError` listing kept codes whose stored data the edit would break."""
    problems = []
    for key, spec in new_by_key.items():
        row = existing.get(key)
        if row is None or not usage[row.id]:
            continue
        problems += _data_problems(session, row, spec)
    if problems:
        raise CodebookError("; ".join(problems))


def _data_problems(session: Session, row: Code, spec: CodeSpec) -> list[str]:
    """Why the coded data of ``row`` would not fit ``spec`` (empty when it fits)."""
    values: Counter[str | None] = Counter()
    counts = {}
    for table in (Annotation, ClipValue):
        query = (
            select(table.value, func.count()).where(table.code_id == row.id).group_by(table.value)
        )
        found = dict(session.exec(query).all())
        values.update(found)
        counts[table] = sum(found.values())
    annotations, clip_values = counts[Annotation], counts[ClipValue]
    if annotations and spec.kind not in ("point", "interval"):
        return [f"code '{row.key}' has {annotations} annotations and cannot become '{spec.kind}'"]
    if clip_values and spec.kind != "clip":
        return [f"code '{row.key}' has {clip_values} clip values and cannot become '{spec.kind}'"]
    points_query = select(func.count()).where(
        Annotation.code_id == row.id,
        Annotation.end_frame == None,  # noqa: E711 (SQL IS NULL)
    )
    points = session.exec(points_query).one()
    if points and spec.kind == "interval":
        return [f"code '{row.key}' has {points} point annotations and cannot become 'interval'"]
    target = Code(**_fields(spec))
    return [
        f"code '{row.key}': {count} coded values {value!r} are not allowed by the new definition"
        for value, count in values.items()
        if not _allowed(target, value)
    ]


def _allowed(code: Code, value: str | None) -> bool:
    try:
        normalize_value(code, value)
    except ValueError:
        return False
    return True


def _fields(spec: CodeSpec) -> dict[str, Any]:
    """The ``Code`` column values that describe ``spec`` (not ids, order or parent)."""
    return {
        "label": spec.label,
        "kind": spec.kind,
        "value_type": spec.value_type,
        "options": [{"value": o.value, "label": o.label} for o in spec.stored_options()],
        "definition": spec.definition,
        "include": spec.include,
        "exclude": spec.exclude,
        "examples": list(spec.examples),
        "shortcut": spec.shortcut,
        "color": spec.color,
        "level": spec.level,
    }


def _spec_of(row: Code, children: tuple[CodeSpec, ...]) -> CodeSpec:
    listed = row.kind != CATEGORY and row.value_type in ("nominal", "ordinal")
    options = tuple(Option(str(o["value"]), str(o["label"])) for o in row.options)
    return CodeSpec(
        key=row.key, label=row.label, kind=row.kind, value_type=row.value_type,
        options=options if listed else (),
        definition=row.definition, include=row.include, exclude=row.exclude,
        examples=tuple(row.examples), shortcut=row.shortcut, color=row.color, level=row.level,
        children=children,
    )  # fmt: skip
