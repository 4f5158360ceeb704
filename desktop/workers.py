"""Run core work off the UI thread and hand results back as Qt signals.

Three helpers:

- :class:`OpRunner` runs short database operations on ONE writer thread
  (``ThreadPoolExecutor(max_workers=1)``, as Anki's collection executor), then emits
  ``changed`` once so every view refreshes from the database instead of views calling each other.
- :class:`JobRunner` drives an :mod:`annotators.jobs` generator in a worker thread, reports
  each :class:`~annotators.jobs.Progress`, and cancels between steps by closing the generator.
- :class:`ProcessJobRunner` does the same in a child process, for jobs whose native code holds
  the GIL for long stretches (transcription), so the UI thread never waits for them.

Results cross threads through queued signals, so no slot ever runs outside the UI thread and
nothing needs ``processEvents()``.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from annotators.errors import StoryframeError
from annotators.jobs import Job, Progress

from .child_jobs import run_in_child

if TYPE_CHECKING:
    import multiprocessing.synchronize


class _Relay(QObject):
    """Carries a callback and its argument from a worker thread to the UI thread.

    Both travel inside one tuple: a bare ``None`` sent through a queued ``object`` signal
    trips a reference-count bug in PySide6 on Python 3.11 (``none_dealloc`` crash).
    """

    _deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._deliver.connect(lambda packet: packet[0](packet[1]))

    def send(self, callback: Callable[[Any], None], value: Any = None) -> None:
        """Call ``callback(value)`` on the thread this relay lives in (the UI thread)."""
        self._deliver.emit((callback, value))


class OpRunner(QObject):
    """Run database operations one at a time on a dedicated writer thread.

    ``changed(str)`` is emitted on the UI thread after each successful operation with the
    operation's kind (e.g. ``"annotations"``), ``failed(str)`` with a user-facing message when
    the operation raised a :class:`StoryframeError`. Other exceptions are programming errors and
    are re-raised on the UI thread so they surface as bugs.
    """

    changed = Signal(str)
    failed = Signal(str)
    conflicted = Signal(object)  # a refused edit's annotators.live.Conflict, instead of failed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")
        self._relay = _Relay()
        self._pending = 0

    def run(
        self,
        operation: Callable[[], Any],
        kind: str,
        on_done: Callable[[Any], None] | None = None,
    ) -> Future:
        """Queue ``operation`` on the writer thread; call ``on_done(result)`` on the UI thread."""
        self._pending += 1

        def finished(outcome: tuple[str, Any]) -> None:
            self._pending -= 1
            status, value = outcome
            if status == "error":
                conflict = getattr(value, "conflict", None)  # annotators.live.ConflictError
                if conflict is not None:
                    self.conflicted.emit(conflict)
                    return
                if isinstance(value, StoryframeError):
                    self.failed.emit(str(value))
                    return
                raise value
            if on_done is not None:
                on_done(value)
            self.changed.emit(kind)

        def work() -> Any:
            try:
                outcome = ("ok", operation())
            except BaseException as error:  # noqa: BLE001 - re-raised on the UI thread
                outcome = ("error", error)
            self._relay.send(finished, outcome)
            return outcome

        return self._executor.submit(work)

    @property
    def busy(self) -> bool:
        """True while an operation is queued or its result has not reached the UI thread yet."""
        return self._pending > 0

    def wait_idle(self) -> None:
        """Block until every queued operation has run on the writer thread (used at shutdown)."""
        self._executor.submit(lambda: None).result()

    def shutdown(self) -> None:
        """Finish queued operations and stop the writer thread."""
        self._executor.shutdown(wait=True)


class _BackgroundRunner(QObject):
    """What both job runners share: their signals (all delivered on the UI thread), and the
    ``_cancel`` event and ``_thread`` (whose end marks the job's end) that subclasses create."""

    _cancel: threading.Event | multiprocessing.synchronize.Event
    _thread: threading.Thread

    progress = Signal(object)
    finished = Signal(object)
    cancelled = Signal()
    failed = Signal(str)

    def __init__(self, title: str, parent: QObject | None) -> None:
        super().__init__(parent)
        self.title = title
        self._relay = _Relay()

    def start(self) -> None:
        """Start the job's thread."""
        self._thread.start()

    def cancel(self) -> None:
        """Ask the job to stop at its next step; work committed so far is kept."""
        self._cancel.set()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the job's thread to end (after the job's last message)."""
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """True while the job's thread is alive."""
        return self._thread.is_alive()


class JobRunner(_BackgroundRunner):
    """Drive one :data:`annotators.jobs.Job` in a worker thread.

    Signals (all delivered on the UI thread): ``progress(Progress)``, ``finished(object)`` with
    the job's return value, ``cancelled()``, ``failed(str)`` for a :class:`StoryframeError`.
    """

    def __init__(self, job: Job, title: str, parent: QObject | None = None) -> None:
        super().__init__(title, parent)
        self._job = job
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._drive, name=f"job-{title}", daemon=True)

    def _emit(self, callback: Callable[[Any], None], value: Any = None) -> None:
        self._relay.send(callback, value)

    def _drive(self) -> None:
        """Step the generator; the generator is only ever touched by this thread."""
        job = self._job
        try:
            while True:
                if self._cancel.is_set():
                    job.close()  # runs the job's finally blocks
                    self._emit(lambda _: self.cancelled.emit())
                    return
                try:
                    report: Progress = next(job)
                except StopIteration as stop:
                    self._emit(self.finished.emit, stop.value)
                    return
                self._emit(self.progress.emit, report)
        except StoryframeError as error:
            self._emit(self.failed.emit, str(error))


class ProcessJobRunner(_BackgroundRunner):
    """Drive a job in a child process (see :mod:`desktop.child_jobs`); same signals as
    :class:`JobRunner`. ``target`` names the job factory as ``"module:function"`` and
    ``kwargs`` are its (picklable) arguments. Its thread reads the child's messages, so it
    ends with the child's last message."""

    def __init__(
        self, target: str, kwargs: dict[str, Any], title: str, parent: QObject | None = None
    ) -> None:
        super().__init__(title, parent)
        context = multiprocessing.get_context("spawn")  # no fork: the app has threads
        self._queue = context.Queue()
        self._cancel = context.Event()
        self._process = context.Process(
            target=run_in_child,
            args=(target, kwargs, self._queue, self._cancel),
            name=f"storyframe-{title}",
            daemon=True,
        )
        self._thread = threading.Thread(target=self._read, name=f"read-{title}", daemon=True)

    def start(self) -> None:
        """Start the child process and the thread that relays its messages."""
        self._process.start()
        super().start()

    def _read(self) -> None:
        handlers = {
            "progress": self.progress.emit,
            "done": self.finished.emit,
            "cancelled": lambda _value: self.cancelled.emit(),
            "failed": self.failed.emit,
            "crashed": self._crashed,
        }
        while True:
            try:
                kind, value = self._queue.get(timeout=1.0)
            except queue.Empty:
                if self._process.is_alive():
                    continue
                kind, value = "failed", f"{self.title} stopped unexpectedly (exit code "
                value += f"{self._process.exitcode})"
            self._relay.send(handlers[kind], value)
            if kind != "progress":
                self._process.join(timeout=10)
                return

    def _crashed(self, trace: str) -> None:
        raise RuntimeError(f"{self.title} failed in its worker process:\n{trace}")
