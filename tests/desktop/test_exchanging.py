"""Project > Import from... (preview, then import) and the ELAN / REFI-QDA exports in the app."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import func, select

from annotators.store.models import Annotation, Code
from desktop.exchanging import export_exchange_to, import_filter, preview_import

EAF = """<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="x" DATE="2020-01-01T00:00:00Z" FORMAT="3.0" VERSION="3.0">
  <HEADER TIME_UNITS="milliseconds">
    <MEDIA_DESCRIPTOR MEDIA_URL="file:///elsewhere/a_story.mp4" MIME_TYPE="video/mp4"/>
  </HEADER>
  <TIME_ORDER>
    <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="400"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="800"/>
    <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="1200"/>
    <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="9000"/>
  </TIME_ORDER>
  <TIER TIER_ID="Gesture" ANNOTATOR="Dana" LINGUISTIC_TYPE_REF="lt">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
      <ANNOTATION_VALUE>wave</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
      <ANNOTATION_VALUE>nod</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
"""


def count(window) -> int:  # type: ignore[no-untyped-def]
    with window.workspace.project.session() as session:
        return session.exec(select(func.count()).select_from(Annotation)).one()


def test_import_previews_then_imports_only_when_accepted(qtbot, loaded, tmp_path: Path) -> None:
    window = loaded
    path = tmp_path / "dana.eaf"
    path.write_text(EAF, encoding="utf-8")
    previews = []

    def decline(_parent, result) -> bool:  # type: ignore[no-untyped-def]
        previews.append(result)
        return False

    preview_import(window, path, confirm=decline)
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    qtbot.waitUntil(lambda: not window.workspace.ops.busy, timeout=10000)
    lines = previews[0].summary()
    assert "would add 1 annotation(s)" in lines[0]
    assert any("a2: span 1.200-9.000 s is outside 'a_story.mp4'" in line for line in lines)
    assert count(window) == 0  # declined: nothing stored

    preview_import(window, path, confirm=lambda _parent, _result: True)
    qtbot.waitUntil(lambda: count(window) == 1, timeout=10000)
    qtbot.waitUntil(
        lambda: "added 1 annotation" in window.statusBar().currentMessage(), timeout=5000
    )
    with window.workspace.project.session() as session:
        gesture = session.exec(select(Code).where(Code.key == "gesture")).one()
        row = session.exec(select(Annotation)).one()
    assert gesture.value_type == "text" and row.value == "wave"
    assert (row.start_frame, row.end_frame) == (10, 20)  # 25 fps clip, from its frame table


def test_exchange_exports_write_files(qtbot, loaded, tmp_path: Path) -> None:
    window = loaded
    assert "*.eaf" in import_filter() and "*.qdpx" in import_filter()
    export_exchange_to(window, "eaf", tmp_path / "elan")
    qtbot.waitUntil(
        lambda: not window.export_bar.busy and "Exported" in window.statusBar().currentMessage(),
        timeout=10000,
    )
    assert len(list((tmp_path / "elan").glob("*.eaf"))) == 3
    export_exchange_to(window, "qdpx", tmp_path / "study.qdpx")
    qtbot.waitUntil(
        lambda: (tmp_path / "study.qdpx").exists() and not window.export_bar.busy, timeout=10000
    )
    assert "export_qdc" in window.actions_by_name and "import_exchange" in window.actions_by_name
