"""Transcript of the current clip: segments with times, words that seek when clicked.

- the word being spoken is highlighted while the playhead moves;
- words the model was unsure of (probability below the threshold in the header, default
  :data:`LOW_CONFIDENCE`, kept in the settings) are underlined in orange; corrected words show
  the correction, with the machine word in the tooltip;
- a clip without an audio track says so; while this clip transcribes, a busy bar counts the
  seconds;
- right-click a word to correct it; select words and right-click to code their span;
- the search box highlights matches and Enter jumps to the next one.
"""

from __future__ import annotations

import bisect
import html
from html import escape

from PySide6.QtCore import QElapsedTimer, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotators.export.timecode import timecode
from annotators.store.models import Word

from ..coding import CodingController
from ..playback import Playback
from ..queries import TranscriptView, active_codes, transcript_view
from ..workspace import Workspace

LOW_CONFIDENCE = 0.85  # Whisper gave wrong words 0.6-0.8 on our clips; 0.5 missed them
CURRENT_COLOR = QColor("#ffe08a")
MATCH_COLOR = QColor("#b7dcff")
LOW_COLOR = QColor("#d9480f")


class TranscriptText(QTextBrowser):
    """The transcript document; remembers where each word sits in the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.words: list[Word] = []
        self.spans: list[tuple[int, int]] = []  # document positions of each word
        self.low_confidence = LOW_CONFIDENCE

    def render(self, view: TranscriptView) -> None:
        """Write segments and words; word ``i`` links to ``w:i``."""
        self.clear()
        self.words, self.spans = [], []
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()  # one layout pass for the whole text, not one per word
        by_segment: dict[int, list[Word]] = {}
        for word in view.words:
            by_segment.setdefault(word.segment_id, []).append(word)
        for n, segment in enumerate(view.segments):
            if n:
                cursor.insertBlock()
            time_format = QTextCharFormat()
            time_format.setForeground(QColor("#6b7280"))
            cursor.insertText(f"{timecode(segment.start_s)[3:]}  ", time_format)
            words = by_segment.get(segment.id, [])
            if not words:
                cursor.insertText(segment.text.strip(), QTextCharFormat())
            for word in words:
                self._insert_word(cursor, word, view.corrections.get(word.id))
        cursor.endEditBlock()

    def _insert_word(self, cursor: QTextCursor, word: Word, correction: str | None) -> None:
        text = (correction or word.text).strip()
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(f"w:{len(self.words)}")
        tip = f"{timecode(word.start_s)} – {timecode(word.end_s)}"
        if word.probability is not None:
            tip += f", confidence {word.probability:.0%}"
            if word.probability < self.low_confidence:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(LOW_COLOR)
                fmt.setForeground(LOW_COLOR)
        if correction is not None:
            fmt.setFontItalic(True)
            tip += f"<br>corrected; machine heard “{escape(word.text.strip())}”"
        fmt.setToolTip(tip)
        start = cursor.position()
        cursor.insertText(text, fmt)
        self.spans.append((start, cursor.position()))
        self.words.append(word)
        cursor.insertText(" ", QTextCharFormat())

    def word_at(self, position: int) -> int | None:
        """Index of the word at document ``position`` (None between words)."""
        starts = [span[0] for span in self.spans]
        i = bisect.bisect_right(starts, position) - 1
        return i if i >= 0 and position <= self.spans[i][1] else None

    def word_at_time(self, seconds: float, until: float | None = None) -> int | None:
        """Index of the word spoken while a frame shows, from ``seconds`` to ``until``.

        The last word that starts before the frame ends and is still going when it starts,
        so a word is found from the frame its start falls in.
        """
        until = seconds if until is None else until
        starts = [word.start_s for word in self.words]
        i = bisect.bisect_left(starts, until) - 1 if until > seconds else -1
        i = bisect.bisect_right(starts, seconds) - 1 if i < 0 else i
        return i if i >= 0 and seconds < self.words[i].end_s else None

    def selected_words(self) -> list[int]:
        """Indices of the words touched by the text selection."""
        cursor = self.textCursor()
        low, high = cursor.selectionStart(), cursor.selectionEnd()
        return [i for i, (a, b) in enumerate(self.spans) if a < high and b > low]

    def highlight(self, current: int | None, matches: list[int]) -> None:
        """Mark the current word and the search matches (extra selections, text untouched)."""
        selections = []
        for index, color in [(i, MATCH_COLOR) for i in matches] + [(current, CURRENT_COLOR)]:
            if index is None:
                continue
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(self.document())
            selection.cursor.setPosition(self.spans[index][0])
            selection.cursor.setPosition(self.spans[index][1], QTextCursor.MoveMode.KeepAnchor)
            selection.format.setBackground(color)
            selections.append(selection)
        self.setExtraSelections(selections)


class TranscriptPanel(QWidget):
    """Transcript view, search box and Transcribe button for the current clip."""

    transcribe_requested = Signal()
    threshold_changed = Signal(float)  # the user set the low-confidence threshold

    def __init__(
        self,
        workspace: Workspace,
        playback: Playback,
        coding: CodingController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace, self.playback, self.coding = workspace, playback, coding
        self.view = TranscriptView(None, [], [], {})
        self.current: int | None = None
        self.matches: list[int] = []
        self.text = TranscriptText(self)
        self.search = QLineEdit(placeholderText="Search this transcript…", clearButtonEnabled=True)
        self.search.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.info = QLabel(wordWrap=True)
        self.info.setObjectName("placeholder")
        self.transcribe_button = QPushButton("Transcribe this clip")
        self.transcribe_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.transcribe_button.clicked.connect(self.transcribe_requested)
        self.threshold = QDoubleSpinBox(decimals=2, minimum=0.05, maximum=0.99, singleStep=0.05)
        self.threshold.setPrefix("below ")
        self.threshold.setValue(LOW_CONFIDENCE)
        self.threshold.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.threshold.setToolTip(
            "Uncertain words: those the model gave a probability below this are underlined "
            "in orange and counted in the header"
        )
        self.threshold.valueChanged.connect(self._on_threshold)
        self.progress = QProgressBar(maximum=0, textVisible=False, maximumHeight=8)
        self.progress.hide()
        self._elapsed = QElapsedTimer()
        self._expected_s: float | None = None
        self._done: tuple[float, str] | None = None  # the engine's progress, once reported
        self._ticker = QTimer(self, interval=500)
        self._ticker.timeout.connect(self._show_progress)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.transcribe_button)
        self.translation = QCheckBox("English translation")
        self.translation.setToolTip(
            "Show the clip's English translation (Clip ▸ Translate this clip into English), a "
            "separate version; coding and exports keep using the transcript in the clip's language"
        )
        self.translation.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.translation.hide()
        self.translation.toggled.connect(lambda _on: self.reload())
        header = QHBoxLayout()
        header.addWidget(self.info, 1)
        header.addWidget(self.translation, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.threshold, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(header)
        layout.addWidget(self.progress)
        layout.addWidget(self.text, 1)
        self._connect()

    def _connect(self) -> None:
        self.text.anchorClicked.connect(self._on_anchor)
        self.text.customContextMenuRequested.connect(self._context_menu)
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self._next_match)
        self.playback.position_changed.connect(self._follow_playhead)
        self.workspace.clip_changed.connect(lambda _video: self.reload())
        self.workspace.data_changed.connect(
            lambda kind: kind in ("transcripts", "corrections") and self.reload()
        )

    def reload(self) -> None:
        """Show the current clip's current transcript."""
        ws = self.workspace
        if ws.project is None or ws.clip is None:
            self.view = TranscriptView(None, [], [], {})
        else:
            translated = self.translation.isChecked()
            self.view = transcript_view(ws.project, ws.clip.id, translation=translated)
            if translated and not self.view.has_translation:  # a clip without one
                self.translation.setChecked(False)  # shows its transcript (toggled reloads)
                return
        self.translation.setVisible(self.view.has_translation)
        self.text.render(self.view)
        self._show_info()
        self.current = None
        self._on_search(self.search.text())

    def show_translation(self) -> None:
        """Show the clip's English translation (after Clip ▸ Translate finished)."""
        self.translation.setChecked(True)

    def set_low_confidence(self, threshold: float) -> None:
        """Underline words below ``threshold`` (0-1) and count them in the header."""
        self.threshold.setValue(threshold)  # re-renders through _on_threshold when it changed

    def _on_threshold(self, value: float) -> None:
        self.text.low_confidence = value
        self.reload()
        self.threshold_changed.emit(value)

    def start_progress(self, expected_s: float | None = None) -> None:
        """This clip is being transcribed: the seconds so far, and a bar that fills over the
        ``expected_s`` it should take (busy when unknown); it stops short until it is done."""
        self._expected_s = expected_s
        self._done = None
        self.progress.setRange(0, 0 if expected_s is None else 100)
        self._elapsed.start()
        self._ticker.start()
        self.progress.show()
        self.transcribe_button.setEnabled(False)
        self._show_progress()

    def show_done(self, fraction: float, message: str) -> None:
        """The engine's own progress for this clip (``fraction`` 0-1, e.g. "12 of 40 s"):
        it replaces the estimate from earlier transcription speeds."""
        self._done = (fraction, message)
        self.progress.setRange(0, 100)
        self._show_progress()

    def stop_progress(self) -> None:
        """The transcription finished, failed or was cancelled."""
        self._ticker.stop()
        self.progress.hide()
        self.transcribe_button.setEnabled(True)
        self._show_info()

    def _show_progress(self) -> None:
        clip = self.workspace.clip
        audio = f" ({clip.duration_s:.0f} s of audio)" if clip is not None else ""
        elapsed = self._elapsed.elapsed() / 1000
        text = f"Transcribing this clip{audio}… {elapsed:.0f} s"
        if self._done is not None:
            fraction, message = self._done
            self.progress.setValue(round(100 * fraction))
            text = f"Transcribing this clip… {message.split(': ', 1)[-1]} done"
        elif self._expected_s:
            self.progress.setValue(min(round(100 * elapsed / self._expected_s), 95))
            text += f" of about {max(self._expected_s, 1):.0f} s"
        self.info.setText(text)

    def _show_info(self) -> None:
        transcript = self.view.transcript
        clip = self.workspace.clip
        if self._ticker.isActive():
            self._show_progress()
        elif clip is not None and not clip.has_audio:
            self.info.setText("This clip has no audio track: there is nothing to transcribe.")
        elif transcript is None:
            self.info.setText("No transcript yet.")
        elif transcript.status == "no_speech":
            self.info.setText("No speech found in this clip (music or silence).")
        else:
            words = self.view.words
            limit = self.text.low_confidence
            low = sum(1 for w in words if w.probability is not None and w.probability < limit)
            model = transcript.model.rstrip("/").split("/")[-1].split(" (")[0]
            text = (
                f"{len(words)} words · {model} · {transcript.language or '?'} · {low} "
                f"word{'s' * (low != 1)} below {limit:.2f} (underlined in orange)"
            )
            if (transcript.settings or {}).get("task") == "translate":
                text = (
                    f"<b>English translation</b> (Whisper's translate task, from "
                    f"{transcript.language or '?'}) · {text}"
                )
            warning = (transcript.settings or {}).get("language_warning")
            if warning:
                text = (
                    f"<b style='color:#c0392b'>⚠ {html.escape(warning)}.</b> Set the language "
                    "under Clip ▸ Spoken language, then transcribe the clip again (Ctrl+T); "
                    f"this version is kept.<br>{text}"
                )
            self.info.setText(text)
        has_audio = clip is not None and clip.has_audio
        self.transcribe_button.setVisible(transcript is None and has_audio)

    def _on_anchor(self, url: QUrl) -> None:
        index = int(url.toString().removeprefix("w:"))
        self.playback.pause()
        self.playback.seek_time(self.text.words[index].start_s)

    def _follow_playhead(self, frame: int) -> None:
        if not self.text.words:
            return
        playback = self.playback
        until = playback.time_of(frame + 1) if frame + 1 < playback.frame_count else None
        current = self.text.word_at_time(playback.time_of(frame), until)
        if current != self.current:
            self.current = current
            self.text.highlight(current, self.matches)

    def _on_search(self, query: str) -> None:
        query = query.strip().lower()
        self.matches = (
            [i for i, w in enumerate(self.text.words) if query in self._shown(i).lower()]
            if query
            else []
        )
        self.text.highlight(self.current, self.matches)

    def _shown(self, index: int) -> str:
        word = self.text.words[index]
        return self.view.corrections.get(word.id, word.text)

    def _next_match(self) -> None:
        if not self.matches:
            return
        after = self.text.word_at_time(self.playback.current_time)
        following = [i for i in self.matches if after is None or i > after]
        target = (following or self.matches)[0]
        self.playback.pause()
        self.playback.seek_time(self.text.words[target].start_s)

    def _context_menu(self, point: QPoint) -> None:
        menu = QMenu(self)
        selected = self.text.selected_words()
        if selected:
            self._add_code_menu(menu, selected)
        word_index = self.text.word_at(self.text.cursorForPosition(point).position())
        if word_index is not None:
            word = self.text.words[word_index]
            menu.addAction(
                f"Correct “{self._shown(word_index).strip()}”…", lambda: self._correct(word)
            )
            if word.id in self.view.corrections:
                menu.addAction(
                    "Restore machine word", lambda: self.coding.correct_word(word.id, None)
                )
        if not menu.isEmpty():
            menu.exec(self.text.mapToGlobal(point))

    def _add_code_menu(self, menu: QMenu, selected: list[int]) -> None:
        first, last = self.text.words[selected[0]], self.text.words[selected[-1]]
        submenu = menu.addMenu(f"Code “{self._span_text(selected)}” as")
        project = self.workspace.project
        for code in active_codes(project) if project else []:
            if code.kind in ("point", "interval"):
                submenu.addAction(
                    code.label,
                    lambda c=code: self.coding.create_span(c, first.start_s, last.end_s),
                )
        menu.addSeparator()

    def _span_text(self, selected: list[int]) -> str:
        text = " ".join(self._shown(i).strip() for i in selected)
        return text if len(text) <= 30 else text[:29] + "…"

    def _correct(self, word: Word) -> None:
        current = self.view.corrections.get(word.id, word.text).strip()
        text, ok = QInputDialog.getText(
            self, "Correct word", f"Machine transcript: “{word.text.strip()}”", text=current
        )
        if ok and text.strip() and text.strip() != current:
            self.coding.correct_word(word.id, text.strip())

    def document(self) -> QTextDocument:
        """The rendered transcript (tests read its plain text)."""
        return self.text.document()
