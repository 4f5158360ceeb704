"""Frame access speed and exactness: annotators.media against naive OpenCV seeking.

Usage: ``python benchmarks/bench_media.py [--cache-dir DIR]``

Generates (once, cached) a 60 s 1080x1920 H.264 clip at 30 fps with a keyframe every 5 s
and a moving texture, then measures in the same run, for both readers: opening until frame 0
is ready, stepping forward and backward one frame, and random seeks - and checks every frame
returned against the index barcode drawn into it. Also compares RGB conversion with PyAV and
OpenCV, and exactness on a small variable-frame-rate clip.

Then the preview cache (``Video.preview``) on held-out 1080x1920 clips, CFR (the 60 s clip)
and VFR (a 30 s phone-like clip, keyframe every ~5 s): how long its single-threaded build takes
against the clip's duration, its memory and disk use, and random seeks to a preview and to the
full frame beside naive OpenCV and decord, every returned frame checked by its barcode.
``--preview-only`` runs just that part.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotators.jobs import run_job  # noqa: E402
from annotators.media import open_video  # noqa: E402
from tests.media_fixtures import make_clip, read_barcode  # noqa: E402

CLIP = {"seconds": 60.0, "fps": 30, "width": 1080, "height": 1920, "keyint": 150}
# (forward steps, backward steps) per reader; naive OpenCV seeks on every step, so it gets
# fewer steps to keep the run under three minutes. Keyframes are at multiples of 150.
STEPS = {
    "storyframe": (range(400, 500), range(530, 430, -1)),
    "opencv": (range(440, 455), range(530, 520, -1)),
}
SEEKS = 20


def clip_path(cache_dir: Path) -> Path:
    """The benchmark clip, generated on first use (about a minute on 2 cores)."""
    path = cache_dir / "bench_60s_1080x1920_k150.mp4"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        partial = path.with_suffix(".part.mp4")
        make_clip(partial, busy=True, crf=23, **CLIP)
        partial.rename(path)
    return path


def timed(function: Callable[[], object]) -> tuple[float, object]:
    """Milliseconds one call of ``function`` takes, and its result."""
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000, result


class Storyframe:
    """annotators.media.Video behind the benchmark's reader interface."""

    name = "storyframe"

    def __init__(self, path: Path) -> None:
        self.video = open_video(path)
        self.video.frame(0)

    def frame(self, index: int) -> np.ndarray:
        return self.video.frame(index)

    def close(self) -> None:
        self.video.close()


class NaiveOpenCV:
    """cv2.VideoCapture positioned with CAP_PROP_POS_FRAMES before every read."""

    name = "opencv"

    def __init__(self, path: Path) -> None:
        self.capture = cv2.VideoCapture(str(path))
        self.frame(0)

    def frame(self, index: int) -> np.ndarray:
        self.capture.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, image = self.capture.read()
        # OpenCV guesses the frame count from duration x fps: on VFR files it runs out early
        return image if ok else np.zeros((8, 8, 3), np.uint8)

    def close(self) -> None:
        self.capture.release()


def exact(image: np.ndarray, index: int) -> bool:
    try:
        return read_barcode(image) == index
    except ValueError:
        return False


def measure(path: Path, seeks: list[int]) -> dict[str, dict]:
    """Open, forward, backward and random-seek figures (ms) per reader, plus exactness.

    Opens and seeks alternate between the readers, so load from other processes on this
    shared machine hits both alike; the step runs are per reader.
    """
    figures: dict[str, dict] = {r.name: {"open": [], "seek": []} for r in READERS}
    tally = {r.name: [0, 0] for r in READERS}  # exact frames, frames checked
    readers = {}
    for round_ in range(3):
        for reader_type in READERS:
            ms, reader = timed(lambda reader_type=reader_type: reader_type(path))
            figures[reader_type.name]["open"].append(ms)
            if round_ < 2:
                reader.close()
            else:
                readers[reader_type.name] = reader
    for name, reader in readers.items():
        for label, indices in zip(("forward", "backward"), STEPS[name], strict=True):
            reader.frame(indices[0] - indices.step)  # positioned just before, like a user
            figures[name][label] = [read(reader, i, tally[name]) for i in indices]
    for i in seeks:
        for name, reader in readers.items():
            figures[name]["seek"].append(read(reader, i, tally[name]))
    for name, reader in readers.items():
        reader.close()
        summary = {key: statistics.median(times) for key, times in figures[name].items()}
        summary |= {f"{key}_max": max(times) for key, times in figures[name].items()}
        summary["exact"] = tally[name][0] / tally[name][1]
        figures[name] = summary
    return figures


def read(reader: Storyframe | NaiveOpenCV, index: int, tally: list[int]) -> float:
    """Milliseconds to get frame ``index``; counts whether it was the right frame."""
    ms, image = timed(lambda: reader.frame(index))
    tally[0] += exact(image, index)
    tally[1] += 1
    return ms


READERS = (Storyframe, NaiveOpenCV)


def vfr_exactness(cache_dir: Path) -> dict[str, float]:
    """Share of exact frames on random access to a small variable-frame-rate clip."""
    path = make_clip(cache_dir / "bench_vfr.mp4", seconds=6, fps=30, vfr=True, keyint=30)
    indices = random.Random(5).sample(range(open_video(path).frame_count), 60)
    result = {}
    for reader_type in READERS:
        reader = reader_type(path)
        result[reader_type.name] = sum(exact(reader.frame(i), i) for i in indices) / len(indices)
        reader.close()
    return result


def conversion_ms(path: Path) -> dict[str, float]:
    """Median ms to turn one decoded 1080x1920 frame into RGB with PyAV and with OpenCV."""
    with av.open(str(path)) as container:
        frames = [f for _, f in zip(range(30), container.decode(video=0), strict=False)]
    pyav = [timed(lambda f=f: f.to_ndarray(format="rgb24"))[0] for f in frames]
    opencv = [
        timed(lambda f=f: cv2.cvtColor(f.to_ndarray(), cv2.COLOR_YUV2RGB_I420))[0] for f in frames
    ]
    return {"pyav": statistics.median(pyav), "opencv": statistics.median(opencv)}


def report(ours: dict, naive: dict, vfr: dict, conversion: dict) -> None:
    targets = {"open": 500, "forward": 10, "backward": 30, "seek": naive["seek"]}
    print(f"\n{'operation (ms, median)':<26}{'storyframe':>12}{'opencv':>10}{'ratio':>8}  target")
    for key in ("open", "forward", "backward", "seek"):
        ratio = naive[key] / ours[key] if ours[key] else float("inf")
        verdict = "ok" if ours[key] <= targets[key] else "MISSED"
        print(
            f"{key:<26}{ours[key]:>12.1f}{naive[key]:>10.1f}{ratio:>7.1f}x  "
            f"<= {targets[key]:.0f} {verdict}"
        )
    for key in ("forward_max", "backward_max", "seek_max"):
        print(f"{key + ' (worst)':<26}{ours[key]:>12.1f}{naive[key]:>10.1f}")
    print(f"{'exact frames, CFR 1080p':<26}{ours['exact']:>12.0%}{naive['exact']:>10.0%}")
    print(f"{'exact frames, VFR clip':<26}{vfr['storyframe']:>12.0%}{vfr['opencv']:>10.0%}")
    print(
        f"\nRGB conversion of one 1080x1920 frame: PyAV to_ndarray {conversion['pyav']:.1f} ms,"
        f" OpenCV cvtColor {conversion['opencv']:.1f} ms"
    )


# --- preview cache ------------------------------------------------------------------------

VFR_CLIP = {"seconds": 30.0, "fps": 30, "width": 1080, "height": 1920, "keyint": 130, "vfr": True}
PREVIEW_SEEKS = 25


def vfr_clip_path(cache_dir: Path) -> Path:
    """The held-out 1080x1920 VFR clip (~26 fps on average, keyframe every ~5 s)."""
    path = cache_dir / "bench_30s_1080x1920_vfr_k130.mp4"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        partial = path.with_suffix(".part.mp4")
        make_clip(partial, busy=True, crf=23, **VFR_CLIP)
        partial.rename(path)
    return path


class Decord:
    """decord.VideoReader indexed by frame number (its own frame index, default threads)."""

    name = "decord"

    def __init__(self, path: Path) -> None:
        import decord

        self.reader = decord.VideoReader(str(path), ctx=decord.cpu(0))

    def frame(self, index: int) -> np.ndarray:
        if index >= len(self.reader):
            return np.zeros((8, 8, 3), np.uint8)  # decord counted fewer frames
        return self.reader[index].asnumpy()

    def close(self) -> None:
        del self.reader


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def sample_rss(peak: list[float], stop: threading.Event) -> None:
    """Keep the highest resident memory seen in ``peak[0]`` until ``stop`` is set."""
    while not stop.wait(0.01):
        peak[0] = max(peak[0], rss_mb())


def preview_figures(path: Path, preview_dir: Path) -> dict[str, float]:
    """Build the preview cache of ``path`` from scratch; then time random seeks (ms) to the
    preview and to the full frame (storyframe), naive OpenCV and decord, alternating."""
    for old in preview_dir.glob("*"):
        old.unlink()
    video = open_video(path)
    video.frame(0)
    rss_before, peak = rss_mb(), [0.0]
    stop = threading.Event()
    sampler = threading.Thread(target=sample_rss, args=(peak, stop))
    sampler.start()
    cpu_before = time.thread_time()
    build_s, complete = timed(lambda: run_job(video.preview_job(cache_dir=preview_dir)))
    build_cpu_s = time.thread_time() - cpu_before  # this thread only: the build's own CPU
    stop.set()
    sampler.join()
    figures = {
        "duration_s": video.duration,
        "build_s": build_s / 1000,
        "build_cpu_s": build_cpu_s,
        "complete": float(bool(complete)),
        "index_kb": video._previews[480].memory_bytes / 1024,
        "rss_growth_mb": peak[0] - rss_before,
        "disk_mb": sum(p.stat().st_size for p in preview_dir.iterdir()) / 1e6,
        "frames": video.frame_count,
    }
    readers = {
        "preview": video.preview,
        "full": video.frame,
        "opencv": NaiveOpenCV(path).frame,
        "decord": Decord(path).frame,
    }
    times: dict[str, list[float]] = {name: [] for name in readers}
    tally = {name: [0, 0] for name in readers}
    for i in random.Random(11).sample(range(video.frame_count), PREVIEW_SEEKS):
        for name, read_frame in readers.items():
            ms, image = timed(lambda read_frame=read_frame, i=i: read_frame(i))
            times[name].append(ms)
            tally[name][0] += exact(image, i)
            tally[name][1] += 1
    video.close()
    for name in readers:
        figures[f"{name}_seek"] = statistics.median(times[name])
        figures[f"{name}_seek_max"] = max(times[name])
        figures[f"{name}_exact"] = tally[name][0] / tally[name][1]
    return figures


def report_previews(label: str, f: dict[str, float]) -> None:
    print(
        f"\npreview cache, {label}: {f['frames']:.0f} frames, {f['duration_s']:.1f} s clip; "
        f"build on one thread {f['build_s']:.1f} s wall "
        f"({f['build_s'] / f['duration_s']:.2f}x the duration, "
        f"target <= 1.00x), {f['build_cpu_s']:.1f} s CPU; "
        f"{'complete' if f['complete'] else 'INCOMPLETE'}"
    )
    print(
        f"  memory: index {f['index_kb']:.0f} KiB, peak RSS growth {f['rss_growth_mb']:.0f} MB; "
        f"on disk {f['disk_mb']:.1f} MB"
    )
    print(f"  {'random seek (ms)':<22}{'median':>8}{'worst':>8}{'exact':>8}")
    for name in ("preview", "full", "opencv", "decord"):
        print(
            f"  {name:<22}{f[name + '_seek']:>8.1f}{f[name + '_seek_max']:>8.1f}"
            f"{f[name + '_exact']:>8.0%}"
        )
    verdict = "ok" if f["preview_seek"] <= 30 else "MISSED"
    print(f"  preview median <= 30 ms: {verdict}")


def run_previews(cache_dir: Path) -> None:
    preview_dir = cache_dir / "previews"
    preview_dir.mkdir(exist_ok=True)
    for label, path in (("CFR", clip_path(cache_dir)), ("VFR", vfr_clip_path(cache_dir))):
        report_previews(f"{label} {path.name}", preview_figures(path, preview_dir))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "storyframe-bench"
    )
    parser.add_argument("--preview-only", action="store_true", help="only the preview cache")
    args = parser.parse_args()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    if args.preview_only:
        run_previews(args.cache_dir)
        return
    path = clip_path(args.cache_dir)
    with open_video(path) as video:
        print(
            f"{path.name}: {video.frame_count} frames, {video.width}x{video.height}, "
            f"{video.fps:.2f} fps, {path.stat().st_size / 1e6:.0f} MB"
        )
        seeks = random.Random(3).sample(range(video.frame_count), SEEKS)
    figures = measure(path, seeks)
    report(
        figures["storyframe"], figures["opencv"], vfr_exactness(args.cache_dir), conversion_ms(path)
    )
    run_previews(args.cache_dir)


if __name__ == "__main__":
    main()
