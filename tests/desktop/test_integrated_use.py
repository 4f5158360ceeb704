"""Defects found using the merged app as coders and a lead would (a study of eight clips,
two coder files, merge, reliability, review, transcription in other languages, 1366x768)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotators.jobs import run_job
from annotators.project import Project
from annotators.study import assign
from annotators.transcribe import transcribe_project
from annotators.transcribe.clip_language import set_clip_language
from tests.annotators.transcribe.languages import clip
from tests.desktop.study_project import build_study_project

LAPTOP = (1366, 768)
TYPICAL_NAME = "climate_march.mp4"  # a short study clip name; real ones are often longer


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a Spanish clip, transcribed (multilingual model) and translated."""
    folder = tmp_path_factory.mktemp("translated")
    shutil.copy(clip("es"), folder / "historia.mp4")
    path = folder / "study.storyframe"
    with Project.create(path) as project:
        run_job(project.import_media([folder / "historia.mp4"]))
        run_job(transcribe_project(project))
        run_job(transcribe_project(project, force=True, translate=True))
    return path


@pytest.fixture
def translated_window(qtbot, settings, translated: Path) -> Iterator:  # type: ignore[no-untyped-def]
    from desktop.app import make_application
    from desktop.main_window import MainWindow

    make_application([])
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    assert win.open_project(translated)
    qtbot.waitUntil(lambda: win.workspace.clip is not None, timeout=10000)
    qtbot.waitUntil(lambda: win.transcript.view.transcript is not None, timeout=10000)
    yield win
    win.close()


def test_clip_names_stay_readable_in_a_coders_library_at_1366x768(qtbot, loaded) -> None:  # type: ignore[no-untyped-def]
    """With the Done column shown, the fixed columns left the clip names 65 px ("cli…mp4")."""
    loaded.resize(*LAPTOP)
    project = loaded.workspace.project
    assign(project, "Ana", [video.id for video in project.videos()])
    loaded.workspace.data_changed.emit("assignments")
    table = loaded.library.table
    qtbot.waitUntil(lambda: not table.isColumnHidden(4), timeout=5000)
    name_width = table.fontMetrics().horizontalAdvance(TYPICAL_NAME)
    assert table.columnWidth(0) >= name_width
    header = table.horizontalHeader()
    for column in range(1, 5):  # and the narrowed headers are not cut either
        title = loaded.library.model.headerData(column, header.orientation(), 0)
        assert header.sectionSize(column) > header.fontMetrics().horizontalAdvance(title)


def test_the_library_shows_each_clips_language(qtbot, translated_window) -> None:  # type: ignore[no-untyped-def]
    window = translated_window
    library = window.library
    qtbot.waitUntil(lambda: library.model.rowCount() == 1, timeout=5000)
    text = library.model.index(0, 2).data()
    assert text == "es"  # the transcript's language, not just "yes"


def test_a_set_language_shows_before_the_clip_is_transcribed(qtbot, loaded) -> None:  # type: ignore[no-untyped-def]
    project = loaded.workspace.project
    video = loaded.workspace.clip
    assert loaded.library.model.index(0, 2).data() == "–"
    set_clip_language(project, [video.id], "fr")
    loaded.workspace.data_changed.emit("videos")
    row = loaded.library.model.position(video.id)
    qtbot.waitUntil(lambda: loaded.library.model.index(row, 2).data() == "– fr", timeout=5000)


def test_a_translated_clip_can_be_read_in_english(qtbot, translated_window) -> None:  # type: ignore[no-untyped-def]
    """Clip ▸ Translate stored a translation the app never showed: coders could not read it."""
    panel = translated_window.transcript
    spanish = panel.document().toPlainText()
    assert panel.translation.isVisible() and not panel.translation.isChecked()
    panel.translation.click()
    assert panel.translation.isChecked()
    english = panel.document().toPlainText()
    assert english != spanish
    words = {word.strip(".,").lower() for word in english.split()}
    assert words & {"my", "name", "brother", "doctors", "hospital", "please", "friends"}
    assert "English translation" in panel.info.text() and "from es" in panel.info.text()
    panel.translation.click()  # back to the transcript the coder codes against
    assert panel.document().toPlainText() == spanish


def test_the_job_bar_counts_one_clip_in_the_singular_and_says_translate(loaded) -> None:  # type: ignore[no-untyped-def]
    """The job bar read "Translate clip: 1 clips to transcribe"."""
    project, video = loaded.workspace.project, loaded.workspace.clip
    first = next(transcribe_project(project, video_ids=[video.id], force=True))
    assert first.message == "1 clip to transcribe"
    first = next(transcribe_project(project, video_ids=[video.id], force=True, translate=True))
    assert first.message.endswith("clips to translate")  # none: no transcript in another language


def test_review_values_are_not_cut_beside_long_variable_names(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """At 1366x768 the review's values table showed "Environm…": the row headers (variable
    names) took their full width and the three value columns shared what was left."""
    from desktop.review.review_data import clip_review
    from desktop.review.values_table import ValuesTable

    study = build_study_project(tmp_path / "study")
    with Project.open(study.path) as project:
        disputed = next(v for v in project.videos() if v.file_name == study.disputed_clip)
        review = clip_review(project, disputed.id)
    table = ValuesTable()
    qtbot.addWidget(table)
    table.resize(470, 200)  # its width in the review view on a 1366x768 screen
    table.show()
    table.show_review(review, {"primary_cause"})
    qtbot.wait(50)  # the header lays the columns out
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            text = table.item(row, column).text()
            assert table.columnWidth(column) >= metrics.horizontalAdvance(text) + 8, text
    label = table.verticalHeaderItem(0)
    assert label.toolTip() == label.text()  # an elided variable name can still be read


def test_spoken_language_is_one_choice(loaded) -> None:  # type: ignore[no-untyped-def]
    """Clip ▸ Spoken language drew check boxes, as if a clip could have several languages."""
    menu = loaded.language_menu
    menu.aboutToShow.emit()
    groups = {action.actionGroup() for action in menu.actions()}
    assert len(groups) == 1 and None not in groups
    assert groups.pop().isExclusive()


def test_the_readme_screenshots_are_made_with_the_background_library(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``python -m desktop.screenshots`` stopped with StopIteration once the library loaded
    in the background (it looked for the clip before the rows arrived)."""
    from desktop import screenshots

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    screenshots.main(tmp_path / "shots")
    names = sorted(path.name for path in (tmp_path / "shots").glob("*.png"))
    assert names == ["clip-variables.png", "code-help.png", "coding-interval.png",
                     "main-window.png"]  # fmt: skip


def test_an_alpha_shown_as_0_667_is_not_coloured_poor() -> None:
    """Primary cause had alpha 2/3 in the study: the report read "0.667" on a red cell."""
    from desktop.review.report_table import band

    assert band(2 / 3) == "tentative"
    assert band(0.6664) == "poor" and band(0.7999) == "good" and band(None) is None


def test_leaving_a_clip_with_an_open_interval_says_it_stays_open_there(qtbot, loaded) -> None:  # type: ignore[no-untyped-def]
    """PageDown in the middle of an interval moved on without a word: the interval stayed
    open on the previous clip, where nothing showed it any more."""
    from PySide6.QtCore import Qt

    from tests.desktop.helpers import press

    window = loaded
    first = window.workspace.clip.file_name
    press(qtbot, window, Qt.Key.Key_1)  # Personal testimony starts
    assert window.coding.pending
    press(qtbot, window, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: window.workspace.clip.file_name != first, timeout=5000)
    message = window.statusBar().currentMessage()
    assert f"Still open on {first}" in message and "Personal testimony" in message
    second = window.workspace.clip.file_name
    press(qtbot, window, Qt.Key.Key_PageDown)  # nothing open here: nothing to say
    qtbot.waitUntil(lambda: window.workspace.clip.file_name != second, timeout=5000)
    assert f"Still open on {second}" not in window.statusBar().currentMessage()


def test_sorting_the_library_keeps_the_clip_on_screen_highlighted(qtbot, loaded) -> None:  # type: ignore[no-untyped-def]
    """After a click on the Clip header the highlight stayed on the old row number: another
    clip was highlighted than the one on screen, and the title kept its old "1 / 3"."""
    from PySide6.QtCore import Qt

    window, table = loaded, loaded.library.table
    shown = window.workspace.clip
    assert window.player.title.text().endswith("1 / 3")
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # what the header click does
    selected = table.selectionModel().selectedRows()
    assert [window.library.model.row(i.row()).video.id for i in selected] == [shown.id]
    assert table.selectionModel().currentIndex().row() == selected[0].row()
    assert window.player.title.text().endswith("3 / 3")


def test_the_key_help_fits_on_a_laptop_screen(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """F1 was a message box taller than 768 pixels: its OK button was off the screen."""
    from PySide6.QtWidgets import QApplication, QDialog, QTextBrowser

    help_action = next(a for a in window.findChildren(type(window.actions_by_name["undo"]))
                       if a.shortcut().toString() == "F1")  # fmt: skip
    help_action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, QDialog) and w.isVisible())  # fmt: skip
    qtbot.addWidget(dialog)
    screen = window.screen().availableGeometry()
    assert dialog.frameGeometry().height() <= screen.height()
    text = dialog.findChild(QTextBrowser).toPlainText()
    assert "Ctrl+Shift+D" in text and "Alt+Right" in text and "F1" in text
    dialog.close()
