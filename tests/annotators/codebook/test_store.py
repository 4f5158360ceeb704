"""Codebooks inside a project: install, read back, and versioned edits that keep coded data."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import Session, select

from annotators.codebook import (
    DEFAULT_CODEBOOK_PATH,
    CodebookSpec,
    CodeInUseError,
    CodeSpec,
    Option,
    active_codebook,
    codebook_codes,
    export_codebook_yaml,
    load_codebook_from_db,
    load_default_codebook,
    parse_codebook,
    update_codebook,
)
from annotators.errors import CodebookError
from annotators.project import Project
from annotators.store.models import Annotation, ClipValue, Code, CodebookVersion


def code_id(session: Session, key: str) -> int:
    return session.exec(select(Code.id).where(Code.key == key)).one()


def annotate(project: Project, key: str, value: str | None = None) -> None:
    coder = project.coder("ana")
    with project.session() as session:
        session.add(
            Annotation(video_id=1, code_id=code_id(session, key), coder_id=coder.id,
                       start_frame=3, start_s=0.12, end_frame=9, end_s=0.36, value=value)
        )  # fmt: skip
        session.commit()


def without(spec: CodebookSpec, key: str) -> CodebookSpec:
    """``spec`` with the entry ``key`` removed wherever it is."""

    def keep(entries: tuple[CodeSpec, ...]) -> tuple[CodeSpec, ...]:
        return tuple(
            dataclasses.replace(e, children=keep(e.children)) for e in entries if e.key != key
        )

    return dataclasses.replace(spec, codes=keep(spec.codes))


def replaced(spec: CodebookSpec, key: str, **changes: object) -> CodebookSpec:
    def edit(entries: tuple[CodeSpec, ...]) -> tuple[CodeSpec, ...]:
        return tuple(
            dataclasses.replace(e, **(changes if e.key == key else {}), children=edit(e.children))
            for e in entries
        )

    return dataclasses.replace(spec, codes=edit(spec.codes))


def table_dump(session: Session) -> list[tuple]:
    rows = session.exec(select(Code).order_by(Code.id)).all()
    return [tuple(row.model_dump().items()) for row in rows]


def test_installed_default_reads_back_and_is_active(project: Project) -> None:
    with project.session() as session:
        codebook = active_codebook(session)
        assert codebook is not None and codebook.version == 1
        assert load_codebook_from_db(session, codebook) == load_default_codebook()
        first = session.exec(select(CodebookVersion)).one()
        assert first.yaml_text == DEFAULT_CODEBOOK_PATH.read_text(encoding="utf-8")
        assert parse_codebook(export_codebook_yaml(session, codebook)) == load_default_codebook()


def test_renaming_a_label_keeps_the_id_and_the_annotations(project: Project) -> None:
    annotate(project, "cta_donate")
    with project.session() as session:
        codebook = active_codebook(session)
        before = code_id(session, "cta_donate")
        new = replaced(load_default_codebook(), "cta_donate", label="Donate money")
        report = update_codebook(session, codebook, new)
        session.commit()
        assert (report.version, report.changed, report.added) == (2, ["cta_donate"], [])
        assert code_id(session, "cta_donate") == before
        assert session.get(Code, before).label == "Donate money"
        assert session.exec(select(Annotation)).one().code_id == before
        versions = session.exec(select(CodebookVersion.version)).all()
        assert versions == [1, 2]
        assert load_codebook_from_db(session, codebook) == new


def test_removing_a_code_in_use_asks_and_changes_nothing(project: Project) -> None:
    annotate(project, "cta_donate")
    with project.session() as session:
        codebook = active_codebook(session)
        dump = table_dump(session)
        with pytest.raises(CodeInUseError) as refused:
            update_codebook(session, codebook, without(load_default_codebook(), "cta_donate"))
        assert refused.value.in_use == {"cta_donate": 1}
        assert "'cta_donate' (1 coded)" in str(refused.value)
        session.rollback()
        assert table_dump(session) == dump
        assert codebook.version == 1


def test_confirmed_removal_retires_the_code_and_keeps_annotations(project: Project) -> None:
    annotate(project, "cta_donate")
    with project.session() as session:
        codebook = active_codebook(session)
        donate = code_id(session, "cta_donate")
        new = without(without(load_default_codebook(), "cta_donate"), "cta_share")
        report = update_codebook(session, codebook, new, retire_in_use=True)
        session.commit()
        assert report.retired == ["cta_donate"] and report.deleted == ["cta_share"]
        assert session.get(Code, donate).retired
        assert session.exec(select(Annotation.code_id)).all() == [donate]
        assert "cta_donate" not in load_codebook_from_db(session, codebook).by_key()
        # adding the key back brings back the same row
        update_codebook(session, codebook, load_default_codebook())
        session.commit()
        assert code_id(session, "cta_donate") == donate and not session.get(Code, donate).retired


def test_removing_a_category_retires_it_with_its_used_code(project: Project) -> None:
    annotate(project, "emotional_appeal", "hope")
    with project.session() as session:
        codebook = active_codebook(session)
        update_codebook(
            session, codebook, without(load_default_codebook(), "narrative"), retire_in_use=True
        )
        session.commit()
        rows = {c.key: c for c in codebook_codes(session, codebook, retired=True)}
        assert rows["narrative"].retired and rows["emotional_appeal"].retired
        assert rows["emotional_appeal"].parent_id == rows["narrative"].id
        assert "hashtag" not in rows  # unused: deleted


def test_edits_that_would_invalidate_coded_values_are_refused(project: Project) -> None:
    annotate(project, "emotional_appeal", "hope")
    coder = project.coder("ana")
    with project.session() as session:
        tone = code_id(session, "emotional_tone")
        session.add(ClipValue(video_id=1, code_id=tone, coder_id=coder.id, value="5"))
        session.commit()
        codebook = active_codebook(session)
        spec = load_default_codebook()
        fewer_emotions = replaced(spec, "emotional_appeal", options=(Option("sadness", "Sadness"),))
        with pytest.raises(CodebookError, match="'hope' are not allowed"):
            update_codebook(session, codebook, fewer_emotions)
        session.rollback()
        with pytest.raises(CodebookError, match="cannot become 'interval'"):
            update_codebook(session, codebook, replaced(spec, "emotional_tone", kind="interval"))
        session.rollback()
        # options that nobody used may go
        shorter = replaced(
            spec, "emotional_appeal", options=spec.by_key()["emotional_appeal"].options[:2]
        )
        assert update_codebook(session, codebook, shorter).version == 2


def test_an_identical_update_is_not_a_new_version(project: Project) -> None:
    with project.session() as session:
        codebook = active_codebook(session)
        report = update_codebook(session, codebook, load_default_codebook())
        assert report.is_noop and report.version == 1
        assert len(session.exec(select(CodebookVersion)).all()) == 1


def test_moving_coded_codes_into_a_new_category_keeps_them(project: Project) -> None:
    annotate(project, "cta_donate")
    spec = load_default_codebook()
    ctas = spec.by_key()["calls_to_action"]
    moved = CodeSpec(key="asks", label="Asks", kind="category", children=ctas.children)
    new = dataclasses.replace(spec, codes=(spec.codes[0], moved, spec.codes[2]))
    with project.session() as session:
        codebook = active_codebook(session)
        donate = code_id(session, "cta_donate")
        report = update_codebook(session, codebook, new)
        session.commit()
        assert report.added == ["asks"] and report.deleted == ["calls_to_action"]
        assert session.get(Code, donate).parent_id == code_id(session, "asks")
        assert load_codebook_from_db(session, codebook) == new
