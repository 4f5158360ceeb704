"""Frame i is the i-th frame in presentation order, in any access order, on any clip."""

from __future__ import annotations

import random
import threading

import av
import numpy as np
import pytest

from annotators.media import open_video
from tests.media_fixtures import clip_times, make_clip, read_barcode

from .conftest import CLIPS


def decoded_frame_count(path) -> int:  # type: ignore[no-untyped-def]
    """Frames a plain PyAV decode of the whole file yields (the ground truth count)."""
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def shown_index(video, i: int) -> int:  # type: ignore[no-untyped-def]
    return read_barcode(video.frame(i))


@pytest.mark.parametrize("name", sorted(CLIPS))
def test_every_frame_is_exact_forward_backward_and_random(clip, name: str) -> None:
    path = clip(name)
    with open_video(path) as video:
        n = video.frame_count
        assert n == decoded_frame_count(path)
        order = list(range(n)) + list(reversed(range(n)))
        order += random.Random(name).sample(range(n), n)
        assert [shown_index(video, i) for i in order] == order


@pytest.mark.parametrize("name", sorted(CLIPS))
def test_every_frame_is_exact_with_a_tiny_cache(clip, name: str) -> None:
    """With room for one frame, every access re-decodes from a keyframe: still exact."""
    with open_video(clip(name), cache_bytes=1) as video:
        order = random.Random(1).sample(range(video.frame_count), video.frame_count)
        assert [shown_index(video, i) for i in order] == order


@pytest.mark.parametrize("name", ["cfr", "vfr", "rot270"])
def test_timestamps_match_the_written_times(clip, name: str) -> None:
    options = CLIPS[name]
    with open_video(clip(name)) as video:
        times = video.timestamps
        assert times[0] == 0.0 and video.timestamp(0) == 0.0
        assert np.all(np.diff(times) > 0)
        expected = clip_times(vfr=options.get("vfr", False))
        np.testing.assert_allclose(times, expected, atol=1e-3)
        assert video.variable_frame_rate == options.get("vfr", False)


def test_cfr_facts(clip) -> None:
    with open_video(clip("cfr")) as video:
        assert video.frame_count == 50
        assert video.duration == pytest.approx(2.0)
        assert video.fps == pytest.approx(25.0)
        assert (video.width, video.height, video.rotation) == (160, 284, 0)
        assert video.has_audio is False


def test_audio_track_is_reported(clip) -> None:
    with open_video(clip("audio")) as video:
        assert video.has_audio is True


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_clips_come_in_display_orientation(clip, rotation: int) -> None:
    with open_video(clip(f"rot{rotation}")) as video:
        assert video.rotation == rotation
        assert (video.width, video.height) == (160, 284)
        frame = video.frame(7)
        assert frame.shape == (284, 160, 3) and frame.dtype == np.uint8
        assert read_barcode(frame) == 7  # the barcode only reads upright


def test_barcode_rejects_a_wrongly_oriented_frame(clip) -> None:
    """The orientation checks above can fail: a turned picture carries no valid barcode."""
    with open_video(clip("cfr")) as video:
        frame = video.frame(7)
    for turned in (np.rot90(frame, 2), np.flipud(frame), np.fliplr(frame)):
        with pytest.raises(ValueError):
            read_barcode(turned)


@pytest.mark.parametrize("name", ["cfr", "vfr"])
def test_frame_index_at_boundaries(clip, name: str) -> None:
    with open_video(clip(name)) as video:
        times = video.timestamps
        for i in range(1, video.frame_count):
            assert video.frame_index_at(times[i]) == i
            assert video.frame_index_at(times[i] - 0.002) == i - 1  # still the previous frame
            assert video.frame_index_at(round(times[i], 3)) == i  # ms-rounded export times
        assert video.frame_index_at(-1.0) == 0
        assert video.frame_index_at(video.duration + 10) == video.frame_count - 1


def test_frame_and_timestamp_outside_the_clip_raise_index_error(clip) -> None:
    with open_video(clip("cfr")) as video:
        for bad in (-1, video.frame_count):
            with pytest.raises(IndexError, match="outside"):
                video.frame(bad)
            with pytest.raises(IndexError):
                video.timestamp(bad)


def test_returned_frames_are_private_copies(clip) -> None:
    with open_video(clip("cfr")) as video:
        video.frame(3)[:] = 0
        assert read_barcode(video.frame(3)) == 3


def test_two_threads_sharing_a_video_both_get_exact_frames(clip) -> None:
    errors: list[str] = []
    with open_video(clip("vfr")) as video:

        def read(seed: int) -> None:
            for i in random.Random(seed).sample(range(video.frame_count), 30):
                if shown_index(video, i) != i:
                    errors.append(f"thread {seed}: frame {i}")

        threads = [threading.Thread(target=read, args=(s,)) for s in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []


@pytest.mark.parametrize(
    ("suffix", "vfr"),
    [(".mkv", True), (".mov", True), (".avi", False), (".ts", False), (".h264", False)],
)
def test_other_containers_are_exact_too(tmp_path, suffix: str, vfr: bool) -> None:  # type: ignore[no-untyped-def]
    """Matroska/MOV via packet timestamps; AVI (guessed pts), MPEG-TS (late seeks) and raw
    H.264 (no timestamps) by counting decoded frames: slower to seek, still exact."""
    path = make_clip(tmp_path / f"clip{suffix}", vfr=vfr)
    with open_video(path) as video:
        n = video.frame_count
        assert n == decoded_frame_count(path)
        order = list(range(n)) + list(reversed(range(n))) + random.Random(2).sample(range(n), n)
        assert [shown_index(video, i) for i in order] == order
        if vfr:
            np.testing.assert_allclose(video.timestamps, clip_times(vfr=True), atol=1e-3)


def test_threads_reading_the_same_cached_frames_do_not_crash(clip) -> None:
    """Regression: converting one shared cached frame in two threads at once segfaulted."""
    with open_video(clip("vfr")) as video:
        results: list[bool] = []

        def read(seed: int) -> None:
            rng = random.Random(seed)
            results.extend(
                shown_index(video, i) == i for i in (rng.randrange(6) for _ in range(400))
            )

        threads = [threading.Thread(target=read, args=(s,)) for s in (1, 2, 3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(results) == 1200 and all(results)
