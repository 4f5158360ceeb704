"""New codes of an import as the next version of a project codebook.

Codes are matched by key: a draft whose key the codebook already has uses that code (its
annotations go through the existing row); the others are added, under their parent category
when it exists, in ONE new codebook version through :func:`update_codebook`. The merged
codebook is checked by the YAML parser first, so an import can create only codes that a
researcher could have written in a codebook file.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, select

from annotators.codebook import (
    CodebookSpec,
    CodeSpec,
    Option,
    active_codebook,
    codebook_to_yaml,
    install_codebook,
    load_codebook_from_db,
    parse_codebook,
    update_codebook,
)
from annotators.codebook.spec import LISTED_VALUE_TYPES
from annotators.store.models import Code, Codebook

from .plan import CodeDraft


def target_codebook(session: Session) -> Codebook | None:
    """The codebook an import codes with: the active one, else the newest one."""
    book = active_codebook(session)
    if book is None:
        book = session.exec(select(Codebook).order_by(Codebook.id.desc())).first()
    return book


def codes_by_key(session: Session, book: Codebook | None) -> dict[str, Code]:
    """The current (not retired) codes and categories of ``book`` by key."""
    if book is None:
        return {}
    query = select(Code).where(Code.codebook_id == book.id, Code.retired == False)  # noqa: E712
    return {code.key: code for code in session.exec(query)}


def add_codes(
    session: Session, book: Codebook | None, drafts: list[CodeDraft], source: str
) -> tuple[Codebook, int | None]:
    """Add ``drafts`` (keys not yet in ``book``) as a new version; return the book and version.

    Without any codebook in the project a new one named after ``source`` is installed.
    Raises :class:`~annotators.errors.CodebookError` when the result is not a valid codebook.
    """
    if book is None:
        spec = merged_spec(CodebookSpec(name=f"Imported from {source}"), drafts)
        parse_codebook(codebook_to_yaml(spec), source)
        return install_codebook(session, spec), 1
    spec = merged_spec(load_codebook_from_db(session, book), drafts)
    parse_codebook(codebook_to_yaml(spec), source)
    update = update_codebook(session, book, spec)
    return book, update.version


def merged_spec(current: CodebookSpec, drafts: list[CodeDraft]) -> CodebookSpec:
    """``current`` with ``drafts`` added under their parents (top level when none)."""
    known = set(current.by_key())
    children: dict[str | None, list[CodeSpec]] = {}
    draft_keys = {draft.key for draft in drafts}
    for draft in drafts:
        parent = draft.parent if draft.parent in known | draft_keys else None
        children.setdefault(parent, []).append(_spec(draft))

    def build(spec: CodeSpec) -> CodeSpec:
        added = children.get(spec.key, []) if spec.is_category else []
        if not added and not spec.children:
            return spec
        return replace(spec, children=tuple(build(child) for child in (*spec.children, *added)))

    top = (*current.codes, *children.get(None, []))
    return replace(current, codes=tuple(build(spec) for spec in top))


def _spec(draft: CodeDraft) -> CodeSpec:
    listed = draft.kind != "category" and draft.value_type in LISTED_VALUE_TYPES
    return CodeSpec(
        key=draft.key,
        label=draft.label,
        kind=draft.kind,
        value_type="presence" if draft.kind == "category" else draft.value_type,
        options=tuple(Option(v, lab) for v, lab in draft.options) if listed else (),
        definition=draft.definition,
        color=draft.color,
    )
