"""Stepping feels instant: forward steps reuse the decoder, backward steps hit the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotators.media import open_video, probe
from tests.media_fixtures import make_clip, read_barcode

KEYINT = 12


class Counter:
    """Counts calls of a bound method it replaces on ``owner``."""

    def __init__(self, owner: object, name: str) -> None:
        self.calls = 0
        original = getattr(owner, name)

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.calls += 1
            return original(*args, **kwargs)

        setattr(owner, name, counted)


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("cache") / "long.mp4", seconds=4, keyint=KEYINT)


def test_forward_stepping_never_seeks(long_clip: Path) -> None:
    with open_video(long_clip) as video:
        seeks = Counter(video._decoder, "seek")
        for i in range(1, video.frame_count):
            assert read_barcode(video.frame(i)) == i
        assert seeks.calls == 0


def test_backward_stepping_decodes_each_gop_once(long_clip: Path) -> None:
    with open_video(long_clip) as video:
        video.frame(video.frame_count - 1)
        decoded = Counter(video._decoder, "next_frame")
        seeks = Counter(video._decoder, "seek")
        for i in range(video.frame_count - 2, -1, -1):
            assert read_barcode(video.frame(i)) == i
        gops = -(-video.frame_count // KEYINT)
        assert seeks.calls <= gops
        assert decoded.calls <= video.frame_count + gops * 2  # not a GOP per step


def test_cache_stays_within_its_byte_budget(long_clip: Path) -> None:
    frame_bytes = 160 * 284 * 3 // 2  # one yuv420p frame
    budget = 10 * frame_bytes
    with open_video(long_clip, cache_bytes=budget) as video:
        for i in range(video.frame_count - 1, -1, -7):
            assert read_barcode(video.frame(i)) == i
            assert video._cache.bytes <= budget + frame_bytes  # plane padding slack


def test_probe_reports_the_facts_and_closes(long_clip: Path) -> None:
    facts = probe(long_clip)
    assert (facts.frame_count, facts.width, facts.height) == (100, 160, 284)
    assert facts.duration == pytest.approx(4.0) and facts.fps == pytest.approx(25.0)
    assert (facts.rotation, facts.has_audio, facts.truncated) == (0, False, False)
    assert not facts.variable_frame_rate


def test_a_forward_step_reads_the_next_frame_ahead(long_clip: Path) -> None:
    with open_video(long_clip) as video:
        for i in range(1, 5):
            video.frame(i)
        video._read_ahead.submit(lambda: None).result(timeout=30)  # queue drained
        assert 5 in video._cache
        seeks = Counter(video._decoder, "seek")
        assert read_barcode(video.frame(5)) == 5
        video.frame(40)  # a jump: the read-ahead of 6 must not seek back
        video._read_ahead.submit(lambda: None).result(timeout=30)
        assert seeks.calls <= 1
