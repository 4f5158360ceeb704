"""The BORIS, caption, SPSS/Stata and Praat entries of Project > Import from... and Export."""

from __future__ import annotations

from pathlib import Path

import pyreadstat
from praatio import textgrid
from sqlmodel import select

from annotators.store.models import Annotation, Code, Coder, Transcript, Video
from desktop.exchanging import EXPORTS, export_exchange_to, import_filter, preview_import

CAPTION = "WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nhello there\n"


def test_new_formats_are_offered(loaded) -> None:  # type: ignore[no-untyped-def]
    patterns = import_filter()
    for pattern in ("*.boris", "*.srt", "*.vtt"):
        assert pattern in patterns
    assert {"boris-tsv", "boris-aggregated", "sav", "dta", "textgrid"} <= set(EXPORTS)
    texts = [action.text() for action in loaded.menuBar().actions()[0].menu().actions()]
    assert any("BORIS" in text for text in texts)


def test_caption_import_becomes_the_clips_transcript(qtbot, loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = loaded
    with window.workspace.project.session() as session:
        name = session.exec(select(Video.file_name)).first()
    path = tmp_path / f"{name}.vtt"
    path.write_text(CAPTION, encoding="utf-8")
    previews = []

    def accept(_parent, result) -> bool:  # type: ignore[no-untyped-def]
        previews.append(result)
        return True

    preview_import(window, path, confirm=accept)

    def stored() -> bool:
        with window.workspace.project.session() as session:
            return session.exec(select(Transcript)).first() is not None

    qtbot.waitUntil(stored, timeout=10000)
    assert "would add 0 annotation(s), 0 clip value(s), 1 transcript(s)" in previews[0].summary()[0]
    with window.workspace.project.session() as session:
        transcript = session.exec(select(Transcript)).one()
    assert transcript.engine == "imported" and transcript.text == "hello there"


def _code_one_interval(window) -> None:  # type: ignore[no-untyped-def]
    with window.workspace.project.session() as session:
        video = session.exec(select(Video)).first()
        code = session.exec(select(Code).where(Code.kind == "interval")).first()
        coder = Coder(name="ana")
        session.add(coder)
        session.flush()
        session.add(
            Annotation(video_id=video.id, code_id=code.id, coder_id=coder.id, start_frame=2,
                       end_frame=5, start_s=0.08, end_s=0.2)
        )  # fmt: skip
        session.commit()


def test_stats_and_textgrid_exports_write_files(qtbot, loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = loaded
    _code_one_interval(window)
    export_exchange_to(window, "sav", tmp_path / "study.sav")
    qtbot.waitUntil(
        lambda: not window.export_bar.busy and (tmp_path / "study_long.sav").exists(),
        timeout=15000,
    )
    frame, _meta = pyreadstat.read_sav(str(tmp_path / "study_long.sav"))
    assert list(frame["start_frame"]) == [2.0]
    export_exchange_to(window, "textgrid", tmp_path / "praat")
    qtbot.waitUntil(
        lambda: not window.export_bar.busy and any((tmp_path / "praat").glob("*.TextGrid")),
        timeout=15000,
    )
    grid_path = next((tmp_path / "praat").glob("*.TextGrid"))
    grid = textgrid.openTextgrid(str(grid_path), includeEmptyIntervals=False)
    assert len(grid.tierNames) == 1
