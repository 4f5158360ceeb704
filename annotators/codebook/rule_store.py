"""Where a project keeps the ``suggest:`` rules: in the YAML text of the codebook's latest
version (the code table has no column for them), read back by parsing that text."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, col, select

from annotators.store.models import Codebook, CodebookVersion

from .parse import parse_codebook
from .rules import SuggestRule
from .spec import CodebookSpec, CodeSpec


def suggest_rules(session: Session, codebook: Codebook) -> dict[str, tuple[SuggestRule, ...]]:
    """Rules by code key from the latest version of ``codebook`` (codes without rules left out).

    Raises :class:`~annotators.errors.CodebookError` when that version's text no longer
    parses (it was valid when saved, so this means the project file was edited by hand).
    """
    query = select(CodebookVersion).where(CodebookVersion.codebook_id == codebook.id)
    latest = session.exec(query.order_by(col(CodebookVersion.version).desc())).first()
    if latest is None:
        return {}
    spec = parse_codebook(latest.yaml_text, source=f"codebook version {latest.version}")
    return {code.key: code.suggest for code in spec.codes_only() if code.suggest}


def with_rules(spec: CodebookSpec, rules: dict[str, tuple[SuggestRule, ...]]) -> CodebookSpec:
    """``spec`` with each code's ``suggest`` rules taken from ``rules`` (by key)."""

    def fill(code: CodeSpec) -> CodeSpec:
        children = tuple(fill(child) for child in code.children)
        return replace(code, children=children, suggest=rules.get(code.key, code.suggest))

    return replace(spec, codes=tuple(fill(code) for code in spec.codes))
