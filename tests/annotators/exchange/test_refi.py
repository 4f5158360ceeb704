"""REFI-QDA: schema-valid .qdpx/.qdc exports, round trips, the NVivo file, tolerant reading."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree
from sqlmodel import select

from annotators.codebook import load_codebook_from_db
from annotators.exchange import apply_plan, detect_format, export_job, read_file
from annotators.exchange.codes import target_codebook
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import ClipValue, Code, Coder, Segment, Transcript, Video

from .conftest import FORMATS, Coded, digest, fresh_project, times25
from .test_eaf import EAF_SCHEMA, annotations

PROJECT_SCHEMA = etree.XMLSchema(etree.parse(str(FORMATS / "refi" / "Project.xsd")))
CODEBOOK_SCHEMA = etree.XMLSchema(etree.parse(str(FORMATS / "refi" / "Codebook.xsd")))
NVIVO = FORMATS / "refi" / "nvivo-win-12.6_oltas0517.qdpx"


def qde_of(path: Path) -> etree._ElementTree:
    with zipfile.ZipFile(path) as archive:
        return etree.ElementTree(etree.fromstring(archive.read("project.qde")))


def clip_values(project: Project) -> list[tuple]:
    with project.session() as session:
        query = (
            select(Video.file_name, Code.key, Coder.name, ClipValue.value)
            .join(Video, Video.id == ClipValue.video_id)
            .join(Code, Code.id == ClipValue.code_id)
            .join(Coder, Coder.id == ClipValue.coder_id)
        )
        return sorted(session.exec(query).all())


def notes(project: Project) -> list[str]:
    from annotators.store.models import Annotation

    with project.session() as session:
        return sorted(session.exec(select(Annotation.note)).all())


def export(coded: Coded, fmt: str, path: Path) -> Path:
    run_job(export_job(coded.project, fmt, path, times=times25))
    return path


def test_qdpx_export_validates_and_round_trips(coded: Coded, tmp_path: Path, new_database) -> None:
    path = export(coded, "qdpx", tmp_path / "study.qdpx")
    PROJECT_SCHEMA.assertValid(qde_of(path))
    with zipfile.ZipFile(path) as archive:
        assert "Sources/" in archive.namelist()
    assert detect_format(path).name == "qdpx"
    with fresh_project(tmp_path, database=new_database()) as second:
        result = apply_plan(second, read_file(path), times=times25)
        assert result.problems == [] and result.new_codes == []
        assert (result.annotations, result.clip_values, result.transcripts) == (6, 3, 1)
        assert annotations(second) == annotations(coded.project)
        assert clip_values(second) == clip_values(coded.project)
        assert notes(second) == notes(coded.project)  # notes travel as descriptions
        with second.session() as session:
            transcript = session.exec(select(Transcript)).one()
            segments = session.exec(select(Segment)).all()
        assert transcript.engine == "imported" and transcript.text == "I lost my mum"
        assert [(s.start_s, s.end_s) for s in segments] == [(0.0, 2.2)]


def test_qdpx_point_events_have_begin_equal_end(coded: Coded, tmp_path: Path) -> None:
    tree = qde_of(export(coded, "qdpx", tmp_path / "study.qdpx"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    donate = [s for s in tree.iterfind(".//q:VideoSelection", ns) if s.get("name") == "Donate"]
    assert [(s.get("begin"), s.get("end")) for s in donate] == [("1200", "1200"), ("1240", "1240")]
    users = [u.get("name") for u in tree.iterfind(".//q:User", ns)]
    assert users == ["alice", 'bob, "the second"']


def test_qdpx_into_a_project_without_codebook_recreates_it(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    path = export(coded, "qdpx", tmp_path / "study.qdpx")
    with fresh_project(tmp_path, codebook=False, database=new_database()) as second:
        result = apply_plan(second, read_file(path), times=times25)
        assert result.problems == []
        assert annotations(second) == annotations(coded.project)
        assert clip_values(second) == clip_values(coded.project)


def test_qdc_validates_and_round_trips_hierarchy_options_colours(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    with coded.project.session() as session:
        emotion = session.get(Code, coded.codes["emotion"])
        emotion.color = "#ff8800"
        session.add(emotion)
        session.commit()
    path = export(coded, "qdc", tmp_path / "book.qdc")
    CODEBOOK_SCHEMA.assertValid(etree.parse(str(path)))
    assert detect_format(path).name == "qdc"
    with fresh_project(tmp_path, codebook=False, database=new_database()) as second:
        result = apply_plan(second, read_file(path), times=times25)
        assert result.new_codes[:3] == ["narrative", "testimony", "emotion"]
        with second.session() as session:
            spec = load_codebook_from_db(session, target_codebook(session))
    by_key = spec.by_key()
    assert [c.key for c in by_key["narrative"].children] == ["testimony", "emotion"]
    assert by_key["emotion"].color == "#ff8800"
    assert [(o.value, o.label) for o in by_key["emotion"].options] == [
        ("sadness", "Sadness"),
        ("hope", "Hope"),
    ]
    assert by_key["donate"].kind == "point" and by_key["testimony"].kind == "interval"
    assert by_key["emotion"].definition == "definition of emotion"


def test_nvivo_project_imports_codes_and_reports_text_sources(
    tmp_path: Path, database: str | None
) -> None:
    assert detect_format(NVIVO).name == "qdpx"
    plan = read_file(NVIVO)
    assert len(plan.codes) > 100
    assert any(
        "TextSource 'videos_10_selected' is not a video (303 coding(s)" in p for p in plan.problems
    )
    with Project.create(tmp_path / "nvivo.storyframe", database=database) as project:
        result = apply_plan(project, plan, times=times25)
        with project.session() as session:
            names = set(session.exec(select(Code.label)).all())
    assert {"COVID", "Nem COVID", "1. Oltás típusa"} <= names
    assert result.annotations == 0 and len(result.new_codes) > 100


def _rewrite(path: Path, target: Path, transform) -> Path:  # noqa: ANN001
    """Copy the zip ``path`` to ``target`` with members renamed/changed by ``transform``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            name, data = transform(info.filename, source.read(info))
            out.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def test_tolerant_reading_bom_names_guid_case(coded: Coded, tmp_path: Path, new_database) -> None:
    path = export(coded, "qdpx", tmp_path / "study.qdpx")

    def shout(name: str, data: bytes) -> tuple[str, bytes]:
        if name == "project.qde":
            text = data.decode()
            for quoted in set(
                etree.fromstring(data).xpath("//@guid | //@targetGUID | //@creatingUser")
            ):
                text = text.replace(f'"{quoted}"', '"{' + quoted.upper() + '}"')
            return "Export From Tool.QDE", b"\xef\xbb\xbf" + text.encode()
        return name.replace("Sources/", "sources/"), data

    odd = _rewrite(path, tmp_path / "odd.qdpx", shout)
    with fresh_project(tmp_path, database=new_database()) as second:
        result = apply_plan(second, read_file(odd), times=times25)
        assert result.problems == []
        assert annotations(second) == annotations(coded.project)


def test_unknown_code_reference_is_reported_not_fatal(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    path = export(coded, "qdpx", tmp_path / "study.qdpx")
    donate_guid = etree.fromstring(zipfile.ZipFile(path).read("project.qde")).xpath(
        "//*[local-name()='Code'][@name='Donate']/@guid"
    )[0]

    def orphan(name: str, data: bytes) -> tuple[str, bytes]:
        return name, data.replace(
            f'targetGUID="{donate_guid}"'.encode(),
            b'targetGUID="00000000-0000-0000-0000-000000000000"',
        )

    broken = _rewrite(path, tmp_path / "orphan.qdpx", orphan)
    with fresh_project(tmp_path, database=new_database()) as second:
        before = digest(second)
        result = apply_plan(second, read_file(broken), times=times25, dry_run=True)
        assert digest(second) == before
    assert result.annotations == 4
    assert sum("coded with an unknown code" in p for p in result.problems) == 2


def test_filters_are_the_csv_exports_filters(coded: Coded, tmp_path: Path) -> None:
    from annotators.export import ExportFilter

    flt = ExportFilter(coders=["alice"], categories=["cta"])
    run_job(export_job(coded.project, "qdpx", tmp_path / "cta.qdpx", flt, times=times25))
    tree = qde_of(tmp_path / "cta.qdpx")
    PROJECT_SCHEMA.assertValid(tree)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert [c.get("name") for c in tree.iterfind(".//q:Code", ns)] == ["Calls to action", "Donate"]
    selections = tree.findall(".//q:VideoSelection", ns)
    assert [(s.get("name"), s.get("begin")) for s in selections] == [("Donate", "1200")]
    run_job(
        export_job(
            coded.project, "eaf", tmp_path / "a.eaf", ExportFilter(videos=["a.mp4"]), times=times25
        )
    )
    EAF_SCHEMA.assertValid(etree.parse(str(tmp_path / "a.eaf")))


def test_exports_never_write_over_the_project(coded: Coded, tmp_path: Path) -> None:
    import os

    import pytest

    from annotators.errors import ExportError
    from annotators.export import ExportFilter, export

    one = ExportFilter(videos=["a.mp4"])
    before = coded.project.path.read_bytes()  # a SQLite file or a server project's file
    for name in ("linked.qdpx", "linked.eaf"):
        link = tmp_path / name
        os.link(coded.project.path, link)  # the same file under an export's name
        fmt = name.split(".")[1]
        with pytest.raises(ExportError, match="the project file"):
            export(coded.project, fmt, link, one)
        with pytest.raises(ExportError, match="the project file"):
            run_job(export_job(coded.project, fmt, link, one, times=times25))
    assert coded.project.path.read_bytes() == before
