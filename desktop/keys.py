"""Keyboard handling for coding without the mouse (GUIDE section 4).

One application event filter sees every key press before widgets do. When the focus is in a
text field the key goes to the field (Space types a space there); otherwise navigation keys
and the codebook's shortcut keys are handled here, whatever panel has the focus, so a coder
never has to click back onto the video first. Ctrl+Z / Ctrl+Shift+Z are menu actions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from annotators.codebook.shortcuts import normalize_shortcut

Key = Qt.Key
Mod = Qt.KeyboardModifier

# (key, shift held) -> action name; the window maps names to methods.
NAVIGATION: dict[tuple[int, bool], str] = {
    (Key.Key_Space, False): "toggle_play",
    (Key.Key_Left, False): "step_back",
    (Key.Key_Right, False): "step_forward",
    (Key.Key_Left, True): "second_back",
    (Key.Key_Right, True): "second_forward",
    (Key.Key_J, False): "shuttle_back",
    (Key.Key_K, False): "pause",
    (Key.Key_L, False): "shuttle_forward",
    (Key.Key_BracketLeft, False): "slower",
    (Key.Key_BracketRight, False): "faster",
    (Key.Key_Home, False): "clip_start",
    (Key.Key_End, False): "clip_end",
    (Key.Key_PageUp, False): "previous_clip",
    (Key.Key_PageDown, False): "next_clip",
    (Key.Key_Return, False): "end_interval",
    (Key.Key_Enter, False): "end_interval",
    (Key.Key_Escape, False): "cancel_interval",
    (Key.Key_Delete, False): "delete_selection",
    (Key.Key_Backspace, False): "delete_selection",
}

# Alt+key -> action: arrow keys cannot be codebook shortcuts, so these never clash with a code.
# (The help lists them in reverse order, so "previous" comes before "next".) The suggestion
# and cut keys (desktop.suggest) also use keys no codebook shortcut can be.
ALT_NAVIGATION: dict[int, str] = {
    Key.Key_Backspace: "reject_suggestion",
    Key.Key_Delete: "reject_suggestion",
    Key.Key_Enter: "accept_suggestion",
    Key.Key_Return: "accept_suggestion",
    Key.Key_PageDown: "next_suggestion",
    Key.Key_PageUp: "previous_suggestion",
    Key.Key_Down: "next_cut",
    Key.Key_Up: "previous_cut",
    Key.Key_Right: "next_annotation",
    Key.Key_Left: "previous_annotation",
}

# What each navigation action does, as the F1 help (and the README's key table) says it.
ACTION_HELP: dict[str, str] = {
    "toggle_play": "play / pause (not while typing in a text field)",
    "step_back": "one frame back",
    "step_forward": "one frame forward",
    "second_back": "one second back",
    "second_forward": "one second forward",
    "shuttle_back": "shuttle back (press again: faster)",
    "pause": "pause",
    "shuttle_forward": "shuttle forward (press again: faster)",
    "slower": "slower (down to 0.25×)",
    "faster": "faster (up to 4×)",
    "clip_start": "clip start",
    "clip_end": "clip end",
    "previous_clip": "previous clip",
    "next_clip": "next clip",
    "end_interval": "end every open interval at this frame (on the picture, not in a text field)",
    "cancel_interval": "cancel the open intervals; in a text field: back to the picture",
    "delete_selection": "delete the selected annotation",
    "previous_annotation": "previous of my annotations in this clip (seek and select it)",
    "next_annotation": "next of my annotations in this clip (seek and select it)",
    "previous_cut": "previous shot cut (seek to its first frame)",
    "next_cut": "next shot cut (seek to its first frame)",
    "previous_suggestion": "previous suggestion waiting for my decision (seek and select it)",
    "next_suggestion": "next suggestion waiting for my decision (seek and select it)",
    "accept_suggestion": "accept the selected suggestion: it becomes my own annotation",
    "reject_suggestion": "reject the selected suggestion (kept as rejected, not shown again)",
}
CODE_KEY_HELP = (
    "code key (1-9, D, S, … from the codebook)",
    "point code: event at this frame; interval code: start, press again to end "
    "(several intervals may be open at once)",
)


def key_name(key: int, shift: bool = False) -> str:
    """How a key is written in the help: ``Shift+Left``, ``PgDown``, ``[``."""
    return QKeySequence(int(key) | (int(Mod.ShiftModifier.value) if shift else 0)).toString()


def help_rows(shortcuts: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """(keys, what they do) for every key: the navigation table, code keys, then
    ``shortcuts`` (menu actions' keys and texts), so the help can never miss one."""
    keys_of: dict[str, list[str]] = {}
    for (key, shift), action in NAVIGATION.items():
        keys_of.setdefault(action, []).append(key_name(key, shift))
    for key, action in reversed(ALT_NAVIGATION.items()):  # previous first, as above
        alt = QKeySequence(int(key) | int(Mod.AltModifier.value)).toString()
        keys_of.setdefault(action, []).append(alt)
    rows = [(" / ".join(keys), ACTION_HELP.get(action, action.replace("_", " ")))
            for action, keys in keys_of.items()]  # fmt: skip
    return [*rows, CODE_KEY_HELP, *shortcuts]


_MODIFIER_KEYS = frozenset(
    (Key.Key_Shift, Key.Key_Control, Key.Key_Alt, Key.Key_Meta, Key.Key_AltGr)
)
_MODIFIER_NAMES = (
    (Mod.ControlModifier, "Ctrl"),
    (Mod.AltModifier, "Alt"),
    (Mod.ShiftModifier, "Shift"),
    (Mod.MetaModifier, "Meta"),
)


def is_text_input(widget: QWidget | None) -> bool:
    """True when ``widget`` takes typed text, so plain keys must reach it untouched."""
    if widget is None:
        return False
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return isinstance(widget, QLineEdit | QAbstractSpinBox)


def focus_claims(event: QKeyEvent) -> bool:
    """True when the focused widget handles this key itself: it has a ``claims_key(event)``
    method that says so (Enter in the annotation table seeks instead of ending intervals)."""
    claims = getattr(QApplication.focusWidget(), "claims_key", None)
    return callable(claims) and bool(claims(event))


def shortcut_text(event: QKeyEvent) -> str | None:
    """The codebook spelling of a key press (``"D"``, ``"Shift+D"``, ``"1"``, ``"F3"``), or None.

    Uses :func:`annotators.codebook.shortcuts.normalize_shortcut`, so a press matches a code
    exactly when the codebook validator would call the two spellings the same key.
    """
    key = event.key()
    if key in _MODIFIER_KEYS or key == Key.Key_unknown:
        return None
    name = QKeySequence(key).toString()
    modifiers = [label for flag, label in _MODIFIER_NAMES if event.modifiers() & flag]
    try:
        return normalize_shortcut("+".join([*modifiers, name]))
    except ValueError:
        return None


class KeyRouter(QObject):
    """Routes key presses in ``window`` to ``on_action(name)`` and ``on_shortcut(text)``.

    Both callbacks return True when they used the key; unused keys go on to the widgets.
    Esc in a text field moves the focus to ``home`` (the picture).
    """

    def __init__(
        self,
        window: QWidget,
        on_action: Callable[[str], bool],
        on_shortcut: Callable[[str], bool],
        home: QWidget | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._home = home
        self._on_action = on_action
        self._on_shortcut = on_shortcut
        QApplication.instance().installEventFilter(self)

    def detach(self) -> None:
        """Stop filtering (the window is closing)."""
        QApplication.instance().removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self._window:
            return False
        if watched is not (QApplication.focusWidget() or self._window):
            # a key a widget ignored travels on to its parents; it was the widget's (a line
            # edit ignores Enter after returnPressed, which moved the focus to the picture):
            # acting on it here would end every open interval from the Frame box
            return False
        if is_text_input(QApplication.focusWidget()):
            return self._leave_text_field(event)  # type: ignore[arg-type]
        if focus_claims(event):  # type: ignore[arg-type]
            return False
        return self.handle(event)  # type: ignore[arg-type]

    def _leave_text_field(self, event: QKeyEvent) -> bool:
        """Esc in a text field hands the keyboard back to the player."""
        if event.key() == Key.Key_Escape and self._home is not None:
            self._home.setFocus()
            return True
        return False

    def handle(self, event: QKeyEvent) -> bool:
        """Dispatch one key press; True when it was consumed."""
        modifiers = event.modifiers() & ~Mod.KeypadModifier
        shift = bool(modifiers & Mod.ShiftModifier)
        if not modifiers & ~Mod.ShiftModifier:
            action = NAVIGATION.get((event.key(), shift))
            if action is not None:
                return self._on_action(action)
        if modifiers == Mod.AltModifier and event.key() in ALT_NAVIGATION:
            return self._on_action(ALT_NAVIGATION[event.key()])
        text = shortcut_text(event)
        return text is not None and self._on_shortcut(text)
