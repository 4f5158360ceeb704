"""Code definitions, rules and examples on hover: timeline track labels, the codebook tree and
the clip-variables form (issue 11: "without leaving the clip-variables tab")."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QLabel, QToolTip

from desktop.timeline import LABEL_W, RULER_H, TRACK_H


def test_hovering_a_track_label_shows_the_codes_definition_and_rules(qtbot, loaded) -> None:
    window = loaded
    timeline = window.timeline.timeline
    codes = {code.id: code for code in window.coding.codes.values()}
    row = next(i for i, t in enumerate(timeline.tracks) if codes[t.code_id].include)
    code = codes[timeline.tracks[row].code_id]
    point = QPoint(40, RULER_H + row * TRACK_H + TRACK_H // 2)
    text = timeline.tooltip_at(QPointF(point))
    assert code.definition[:40] in text and "Include" in text and "Exclude" in text
    event = QHelpEvent(QEvent.Type.ToolTip, point, timeline.mapToGlobal(point))
    QApplication.sendEvent(timeline, event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert code.label in QToolTip.text()
    assert timeline.tooltip_at(QPointF(LABEL_W + 50, RULER_H + 2)) == ""  # an empty track


def test_codebook_and_clip_variables_explain_each_code_on_hover(loaded) -> None:
    window = loaded
    tree = window.codebook.tree
    items = [tree.topLevelItem(i).child(j) for i in range(tree.topLevelItemCount())
             for j in range(tree.topLevelItem(i).childCount())]  # fmt: skip
    codes = {code.id: code for code in window.coding.codes.values()}
    item = next(i for i in items if codes[i.data(0, Qt.ItemDataRole.UserRole)].examples)
    code = codes[item.data(0, Qt.ItemDataRole.UserRole)]
    assert code.definition[:40] in item.toolTip(0) and "Examples" in item.toolTip(0)
    labels = [w for w in window.clip_vars.body.findChildren(QLabel) if w.toolTip()]
    cause = next(w for w in labels if w.text() == "Primary cause")
    assert "Definition" in cause.toolTip() and "Values" in cause.toolTip()
    assert all(window.clip_vars.editors[k].widget.toolTip() for k in window.clip_vars.editors)
