"""Hostile files: XXE, billion laughs, zip slip, zip bombs, truncated zips, random bytes.

Each must raise one of the project's error types (a one-line message naming the file) and
leave the project exactly as it was (a digest of every row).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotators.errors import ExportError, StoryframeError
from annotators.exchange import export_job, import_file
from annotators.jobs import run_job
from annotators.project import Project

from .conftest import Coded, digest, times25

XXE = """<?xml version="1.0"?>
<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ANNOTATION_DOCUMENT AUTHOR="&xxe;" DATE="2020-01-01T00:00:00Z" VERSION="3.0">
<HEADER/><TIME_ORDER/></ANNOTATION_DOCUMENT>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="00000000-0000-0000-0000-000000000001" name="&lol4;" isCodable="true"/>
</Codes></CodeBook>"""

NETWORK_DTD = """<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://example.org/evil.dtd">
<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>"""


def refused(project: Project, path: Path) -> str:
    """Import ``path``; assert it is refused with a project error and changes nothing."""
    before = digest(project)
    with pytest.raises(StoryframeError) as error:
        run_job(import_file(project, path, times=times25))
    assert digest(project) == before
    assert "\n" not in str(error.value) and str(path.name) in str(error.value)
    return str(error.value)


def zip_with(path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def test_external_entities_are_never_resolved(coded: Coded, tmp_path: Path, no_network) -> None:
    path = tmp_path / "xxe.eaf"
    path.write_text(XXE, encoding="utf-8")
    assert "DOCTYPE is not allowed" in refused(coded.project, path)
    path = tmp_path / "remote.qde"
    path.write_text(NETWORK_DTD, encoding="utf-8")
    assert "DOCTYPE" in refused(coded.project, path)
    assert no_network == []


def test_billion_laughs_is_refused(coded: Coded, tmp_path: Path) -> None:
    path = tmp_path / "laughs.qdc"
    path.write_text(LAUGHS, encoding="utf-8")
    refused(coded.project, path)


def test_zip_slip_member_is_refused(coded: Coded, tmp_path: Path) -> None:
    qde = b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'
    path = zip_with(tmp_path / "slip.qdpx", {"project.qde": qde, "../../evil.txt": b"x"})
    assert "points outside the archive" in refused(coded.project, path)
    path = zip_with(tmp_path / "abs.qdpx", {"project.qde": qde, "/etc/evil": b"x"})
    assert "points outside the archive" in refused(coded.project, path)


def test_zip_bomb_is_refused_before_reading(coded: Coded, tmp_path: Path) -> None:
    qde = b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'
    path = zip_with(
        tmp_path / "bomb.qdpx", {"project.qde": qde, "Sources/a.txt": bytes(20_000_000)}
    )
    assert "zip bomb" in refused(coded.project, path)


def test_truncated_qdpx_is_refused(coded: Coded, tmp_path: Path) -> None:
    good = tmp_path / "good.qdpx"
    run_job(export_job(coded.project, "qdpx", good, times=times25))
    data = good.read_bytes()
    for cut in (len(data) // 2, len(data) - 30, 100):
        path = tmp_path / f"cut{cut}.qdpx"
        path.write_bytes(data[:cut])
        refused(coded.project, path)


def test_qdpx_without_a_project_document(coded: Coded, tmp_path: Path) -> None:
    path = zip_with(tmp_path / "empty.qdpx", {"Sources/a.txt": b"hello"})
    refused(coded.project, path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".eaf", ".qdpx", ".qdc", ".qde"]))
def test_random_bytes_never_crash(coded: Coded, tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    before = digest(coded.project)
    with pytest.raises(ExportError):
        run_job(import_file(coded.project, path, times=times25))
    assert digest(coded.project) == before


@pytest.fixture
def exported(coded: Coded, tmp_path: Path) -> dict[str, bytes]:
    run_job(export_job(coded.project, "eaf", tmp_path / "x", times=times25))
    run_job(export_job(coded.project, "qdc", tmp_path / "x" / "b.qdc", times=times25))
    return {
        ".eaf": (tmp_path / "x" / "a.eaf").read_bytes(),
        ".qdc": (tmp_path / "x" / "b.qdc").read_bytes(),
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from([".eaf", ".qdc"]),
    cuts=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 40), st.binary(max_size=8)), max_size=4
    ),
)
def test_mangled_files_import_or_refuse_cleanly(
    coded: Coded, tmp_path: Path, exported: dict[str, bytes], suffix: str, cuts: list
) -> None:
    """Damaged exports either import (what still makes sense) or change nothing."""
    data = exported[suffix]
    for where, length, insert in cuts:
        at = int(where * len(data))
        data = data[:at] + insert + data[at + length :]
    path = tmp_path / f"mangled{suffix}"
    path.write_bytes(data)
    before = digest(coded.project)
    try:
        run_job(import_file(coded.project, path, times=times25, dry_run=True))
    except StoryframeError as error:
        assert "\n" not in str(error)
    assert digest(coded.project) == before
