"""Background reads: the latest request wins, results arrive on the UI thread, errors surface."""

from __future__ import annotations

import threading
import time

import pytest

from desktop.annotations.pages import KEEP_WANTED, PageLoader
from desktop.queries import LatestReader


def test_latest_reader_skips_superseded_reads_and_delivers_only_the_last(qtbot) -> None:
    reader = LatestReader("test")
    gate, started, delivered = threading.Event(), [], []

    def read(n: int):  # type: ignore[no-untyped-def]
        def run() -> int:
            started.append(n)
            if n == 0:
                gate.wait(5)  # the first read is under way while the others are asked for
            return n

        return run

    for n in range(5):
        reader.request(read(n), lambda value: delivered.append((value, threading.get_ident())))
    assert not reader.idle
    gate.set()
    qtbot.waitUntil(lambda: reader.idle, timeout=5000)
    qtbot.wait(50)
    assert started == [0, 4]  # 1-3 were replaced before they started
    assert delivered == [(4, threading.get_ident())]  # 0 finished too late; on the UI thread
    reader.shutdown()


def test_latest_reader_raises_a_failed_read_on_the_ui_thread(qtbot) -> None:
    reader = LatestReader("test")
    errors: list[BaseException] = []

    def hook(exc_type, value, tb) -> None:  # type: ignore[no-untyped-def]
        errors.append(value)

    with pytest.MonkeyPatch.context() as patch:
        import sys

        patch.setattr(sys, "excepthook", hook)
        reader.request(lambda: 1 / 0, lambda _value: None)
        qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError)
    reader.shutdown()


def test_page_loader_reads_the_pages_asked_for_last(qtbot) -> None:
    loader = PageLoader()
    gate, read_pages, loaded = threading.Event(), [], []

    def read(page: int) -> list:
        read_pages.append(page)
        if page == 0:
            gate.wait(5)
        return [page]

    loader.page_loaded.connect(lambda generation, page, rows: loaded.append((page, rows)))
    generation = loader.reset(read)
    loader.want(0)
    time.sleep(0.05)  # page 0 is being read
    for page in range(1, 10):  # scrolling fast: only the last few are still worth reading
        loader.want(page)
    gate.set()
    qtbot.waitUntil(lambda: len(loaded) == 1 + KEEP_WANTED, timeout=5000)
    assert read_pages[0] == 0
    assert sorted(read_pages[1:]) == list(range(10 - KEEP_WANTED, 10))
    assert read_pages[1] == 9  # newest first
    assert loader.generation == generation
    loader.shutdown()
