"""Reads pages of the annotation table on a worker thread, the most recently wanted first.

Scrolling fast through a million rows asks for many pages; only the last few asked for are
worth reading (the rows now on screen), so older requests are dropped and asked again if
they come back into view.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from annotators.browse import AnnotationRow

from ..workers import _Relay

KEEP_WANTED = 4  # pages a screen of rows can span, with room to spare

PageReader = Callable[[int], list[AnnotationRow]]  # page number -> its rows


class PageLoader(QObject):
    """``page_loaded(generation, page, rows)`` on the UI thread for each page read.

    :meth:`reset` starts a new generation (a new query): pages of older ones are dropped.
    """

    page_loaded = Signal(int, int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-pages")
        self._relay = _Relay()
        self._lock = threading.Lock()
        self._wanted: list[int] = []
        self._read: PageReader | None = None
        self.generation = 0

    def reset(self, read: PageReader | None) -> int:
        """Read pages with ``read`` from now on; return the new generation."""
        with self._lock:
            self.generation += 1
            self._read, self._wanted = read, []
            return self.generation

    def want(self, page: int) -> None:
        """Ask for ``page``; returns at once."""
        with self._lock:
            if page in self._wanted:
                return
            self._wanted = [*self._wanted, page][-KEEP_WANTED:]
        self._executor.submit(self._next)

    def _next(self) -> None:
        with self._lock:
            if not self._wanted or self._read is None:
                return
            page, read, generation = self._wanted[-1], self._read, self.generation
        try:
            rows = read(page)
        except BaseException as error:  # noqa: BLE001 - re-raised on the UI thread
            self._relay.send(_raise, error)
            return
        with self._lock:
            if page in self._wanted:
                self._wanted.remove(page)
        self._relay.send(lambda value: self.page_loaded.emit(*value), (generation, page, rows))

    def shutdown(self) -> None:
        """Drop pending pages and stop the worker."""
        self.reset(None)
        self._executor.shutdown(wait=True)


def _raise(error: BaseException) -> None:
    raise error
