"""An unexpected error is shown to the user and logged, and the app keeps running."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from desktop.crash import make_excepthook


def test_error_in_a_slot_is_shown_and_logged(qtbot, qapp, tmp_path: Path, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    log = tmp_path / "logs" / "errors.log"
    passed_on: list[type[BaseException]] = []
    monkeypatch.setattr(
        "sys.excepthook", make_excepthook(log, lambda kind, _e, _tb: passed_on.append(kind))
    )

    def broken_slot() -> None:
        raise ZeroDivisionError("bad frame arithmetic")

    QTimer.singleShot(0, broken_slot)  # raised inside the Qt event loop, as in a real slot
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)

    assert "ZeroDivisionError: bad frame arithmetic" in shown[0]
    assert "saved" in shown[0] and str(log) in shown[0]
    assert passed_on == [ZeroDivisionError]  # still printed on stderr by the previous hook
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "broken_slot" in text
