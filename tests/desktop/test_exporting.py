"""Exports run in their own bar with progress and Cancel, beside any other background job."""

from __future__ import annotations

from pathlib import Path

from desktop.exporting import export_table_to


def code_many(window, count: int) -> None:  # type: ignore[no-untyped-def]
    """``count`` point events on the clip on screen, through the core's bulk operation."""
    point = next(code for code in window.coding.codes.values() if code.kind == "point")
    clip, coder = window.workspace.clip, window.workspace.coder
    rows = [
        {"video_id": clip.id, "code_id": point.id, "coder_id": coder.id, "start_frame": i % 50}
        for i in range(count)
    ]
    window.coding.coding.bulk_create_annotations(rows)


def test_export_shows_progress_and_cancel_leaves_no_file(qtbot, loaded, tmp_path: Path) -> None:
    window = loaded
    code_many(window, 40_000)
    # written beside the app (not through its ops): the live view shows them; let it settle
    qtbot.waitUntil(lambda: window.annotations.model.total == 40_000, timeout=10000)
    target = tmp_path / "exports" / "long.csv"
    export_table_to(window, "csv-long", target)
    qtbot.waitUntil(lambda: window.export_bar.busy, timeout=5000)
    assert window.export_bar.label.text().startswith("Export")
    assert window.export_bar.isVisible() and window.export_bar.cancel_button.isEnabled()
    window.export_bar.cancel()
    qtbot.waitUntil(lambda: not window.export_bar.busy, timeout=10000)
    assert "nothing was written" in window.statusBar().currentMessage()
    assert not target.exists() and list(target.parent.iterdir()) == []

    export_table_to(window, "csv-long", target)  # again, to the end
    qtbot.waitUntil(lambda: target.exists() and not window.export_bar.busy, timeout=20000)
    assert "Exported 40000 rows" in window.statusBar().currentMessage()


def test_export_runs_while_another_job_holds_the_job_bar(qtbot, loaded, tmp_path) -> None:
    window = loaded
    window.job_bar.start(_waiting_job(), "Waiting")
    target = tmp_path / "wide.csv"
    export_table_to(window, "csv-wide", target)
    qtbot.waitUntil(lambda: target.exists() and not window.export_bar.busy, timeout=10000)
    assert window.job_bar.busy
    window.job_bar.cancel()
    qtbot.waitUntil(lambda: not window.job_bar.busy, timeout=5000)


def _waiting_job():  # type: ignore[no-untyped-def]
    """A job that reports progress until cancelled."""
    import time

    from annotators.jobs import Progress

    while True:
        time.sleep(0.02)
        yield Progress(0, None, "waiting")
