"""The preview cache: a small, exact picture of every frame, bounded memory, cancellable."""

from __future__ import annotations

import os
import random
import statistics
import time
import tracemalloc
from pathlib import Path

import cv2
import numpy as np
import pytest

from annotators.jobs import run_job
from annotators.media import open_video
from annotators.media.preview import preview_size, prune
from tests.media_fixtures import make_clip, read_barcode

# shrinks the 160x284 fixtures to half size, so the reformatter really scales
SIDE = 142


@pytest.mark.parametrize("name", ["cfr", "vfr", "rot90", "rot180", "rot270", "mpeg4"])
def test_every_preview_shows_its_own_frame_in_display_orientation(
    clip, name: str, tmp_path: Path
) -> None:
    with open_video(clip(name)) as video:
        assert run_job(video.preview_job(SIDE, cache_dir=tmp_path)) is True
        n = video.frame_count
        order = random.Random(name).sample(range(n), n)
        previews = {i: video.preview(i, SIDE) for i in order}
        assert [read_barcode(previews[i]) for i in order] == order
        assert previews[0].shape == (SIDE, 80, 3)
        # the same picture as the full frame, only smaller
        for i in order[:5]:
            full = cv2.resize(video.frame(i), (80, SIDE), interpolation=cv2.INTER_AREA)
            assert np.abs(full.astype(int) - previews[i].astype(int)).mean() < 6


def test_a_counted_container_is_exact_too(tmp_path: Path) -> None:
    path = make_clip(tmp_path / "old.avi", codec="mpeg4", seconds=1.5)
    with open_video(path) as video:
        run_job(video.preview_job(SIDE, cache_dir=tmp_path / "cache"))
        assert [read_barcode(video.preview(i, SIDE)) for i in range(video.frame_count)] == list(
            range(video.frame_count)
        )


def test_preview_is_none_until_the_build_reaches_the_frame(clip, tmp_path: Path) -> None:
    with open_video(clip("cfr")) as video:
        assert video.preview(10, SIDE) is None  # no build started
        job = video.preview_job(SIDE, cache_dir=tmp_path)
        next(job)
        next(job)  # the first report after frames were stored
        built, total = video.preview_progress(SIDE)
        assert 0 < built < total
        assert read_barcode(video.preview(built - 1, SIDE)) == built - 1
        assert video.preview(total - 1, SIDE) is None
        job.close()


def test_cancelling_stops_the_build_and_leaves_no_file(clip, tmp_path: Path) -> None:
    with open_video(clip("vfr")) as video:
        job = video.preview_job(SIDE, cache_dir=tmp_path)
        for _ in range(3):
            next(job)
        job.close()
        built, total = video.preview_progress(SIDE)
        assert built < total
        assert list(tmp_path.iterdir()) == []  # no partial cache file left behind
        assert read_barcode(video.preview(0, SIDE)) == 0  # what was built stays usable
    # a later open builds afresh and completes
    with open_video(clip("vfr")) as video:
        assert run_job(video.preview_job(SIDE, cache_dir=tmp_path)) is True


def test_a_finished_cache_is_found_again_without_decoding(clip, tmp_path: Path) -> None:
    with open_video(clip("rot270")) as video:
        run_job(video.preview_job(SIDE, cache_dir=tmp_path))
    with open_video(clip("rot270")) as video:
        job = video.preview_job(SIDE, cache_dir=tmp_path)
        with pytest.raises(StopIteration):
            next(job)  # nothing to do: the cache is complete
        assert video.preview_progress(SIDE) == (video.frame_count, video.frame_count)
        assert read_barcode(video.preview(7, SIDE)) == 7


def test_closing_the_video_during_a_build_ends_it_cleanly(clip, tmp_path: Path) -> None:
    video = open_video(clip("cfr"))
    job = video.preview_job(SIDE, cache_dir=tmp_path)
    next(job)
    next(job)
    video.close()
    assert run_job(job) is False
    with pytest.raises(ValueError, match="closed"):
        video.preview_job(SIDE, cache_dir=tmp_path)


def test_memory_stays_bounded_while_the_pictures_go_to_disk(tmp_path: Path) -> None:
    path = make_clip(tmp_path / "busy.mp4", seconds=6, width=360, height=640, busy=True)
    one_frame = 360 * 640 * 3
    with open_video(path) as video:
        tracemalloc.start()
        run_job(video.preview_job(480, cache_dir=tmp_path / "cache"))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        stored = sum(p.stat().st_size for p in (tmp_path / "cache").iterdir())
        # the process never holds more than the frame in flight; the JPEGs went to disk
        assert peak < 2 * one_frame
        assert stored > 4 * one_frame
        assert video._previews[480].memory_bytes == 16 * video.frame_count


def test_random_previews_are_fast_once_built(clip, tmp_path: Path) -> None:
    with open_video(clip("cfr")) as video:
        run_job(video.preview_job(cache_dir=tmp_path))
        times = []
        for i in random.Random(1).sample(range(video.frame_count), 30):
            start = time.perf_counter()
            video.preview(i)
            times.append(time.perf_counter() - start)
        assert statistics.median(times) < 0.030


def test_preview_size_keeps_the_aspect_and_never_enlarges() -> None:
    assert preview_size(1080, 1920, 480) == (270, 480)
    assert preview_size(1920, 1080, 480) == (480, 270)
    assert preview_size(160, 284, 480) == (160, 284)


def test_a_cache_file_cut_short_is_built_again(clip, tmp_path: Path) -> None:
    with open_video(clip("cfr")) as video:
        run_job(video.preview_job(SIDE, cache_dir=tmp_path))
    data = next(p for p in tmp_path.iterdir() if not p.suffix)
    data.write_bytes(data.read_bytes()[:1000])  # e.g. a disk that filled up
    with open_video(clip("cfr")) as video:
        assert video.preview_progress(SIDE)[0] == 0
        assert run_job(video.preview_job(SIDE, cache_dir=tmp_path)) is True
        assert read_barcode(video.preview(49, SIDE)) == 49


def test_the_cache_folder_is_pruned_least_recently_used_first(tmp_path: Path) -> None:
    for age, name in enumerate(["new", "middle", "old"]):
        (tmp_path / name).write_bytes(b"x" * 1000)
        (tmp_path / f"{name}.npy").write_bytes(b"i")
        os.utime(tmp_path / name, (1e9 - age * 100, 1e9 - age * 100))
    prune(tmp_path, 2500)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["middle", "middle.npy", "new", "new.npy"]
