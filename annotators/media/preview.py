"""Preview cache: a small JPEG of every frame, for instant scrubbing and the filmstrip.

One sequential pass decodes the clip on one thread and stores each frame, shrunk in the
reformatter so its longer side is ``max_side`` and turned to display orientation, as a JPEG in
one file in the user cache folder. The file is keyed by a hash of the clip's content plus
``max_side``, so reopening a clip (or a copy of it) finds its previews at once. Memory stays
bounded whatever the clip's length: the process holds only two offsets per frame; the JPEGs
live in the file (and the OS page cache).

Frame ``i`` is the ``i``-th frame in presentation order, exactly as the frame table names it
(each decoded frame is identified by its pts, or by counting for counted tables), so a preview
is the same picture as ``Video.frame(i)``, only smaller. Reading is thread-safe and never waits
for the build or for a full-resolution decode.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

import numpy as np
from platformdirs import user_cache_path

from annotators.jobs import Job, Progress

from .container import open_input
from .decoder import StreamDecoder, configure
from .frame_table import FrameTable

FORMAT_VERSION = 1
JPEG_QUALITY = 80
PROGRESS_EVERY = 10  # frames between progress reports (each one a point to cancel at)
HASH_SAMPLE = 1 << 20  # bytes hashed from the head and the tail of the file
DEFAULT_MAX_SIDE = 480
DEFAULT_DISK_BUDGET = 2 << 30  # the preview folder is pruned to this, least recently used first
_ROTATE = {90: "ROTATE_90_CLOCKWISE", 180: "ROTATE_180", 270: "ROTATE_90_COUNTERCLOCKWISE"}


def default_cache_dir() -> Path:
    """Where previews live: ``previews`` in the user cache folder (platformdirs)."""
    return user_cache_path("storyframe", appauthor=False) / "previews"


def content_key(path: Path) -> str:
    """A hash of the file's size, first and last MiB: the same clip gives the same key
    wherever it is, an edited one a different key, and hashing a big clip costs ~2 ms."""
    digest = hashlib.sha256(f"v{FORMAT_VERSION}:{path.stat().st_size}".encode())
    with path.open("rb") as file:
        digest.update(file.read(HASH_SAMPLE))
        file.seek(max(path.stat().st_size - HASH_SAMPLE, 0))
        digest.update(file.read(HASH_SAMPLE))
    return digest.hexdigest()[:32]


def preview_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """Display (width, height) shrunk so the longer side is ``max_side`` (never enlarged),
    rounded to even numbers, which every pixel format accepts."""
    scale = min(1.0, max_side / max(width, height))
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


class PreviewCache:
    """Downscaled JPEGs of every frame of one clip. Create one per (clip, ``max_side``);
    :meth:`build` fills it (or :meth:`ready` is already True when the cache file exists).

    ``built`` counts frames stored so far (in presentation order); ``total`` is the frame
    count. :meth:`get` is safe from any thread. Call :meth:`close` when done.
    """

    def __init__(
        self,
        path: Path,
        table: FrameTable,
        display_size: tuple[int, int],
        rotation: int,
        *,
        max_side: int = DEFAULT_MAX_SIDE,
        cache_dir: Path | None = None,
    ) -> None:
        self.path = Path(path)
        self.max_side = max_side
        self.size = preview_size(*display_size, max_side)
        self.total = len(table)
        self._table = table
        self._rotation = rotation
        self._dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self._final = self._dir / f"{content_key(self.path)}-{max_side}"
        # (offset, length) of each frame's JPEG in the data file; length 0 = not stored yet
        self._index = np.zeros((self.total, 2), dtype=np.int64)
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._closed = False
        self.built = 0
        self._load_finished()

    # --- reading -------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True once every frame is stored."""
        return self.built >= self.total

    @property
    def memory_bytes(self) -> int:
        """Bytes this cache holds in the process (the frame index, not the pictures)."""
        return self._index.nbytes

    def get(self, index: int) -> np.ndarray | None:
        """Frame ``index`` as a (h, w, 3) uint8 RGB array in display orientation, or None when
        the build has not stored it yet (or the cache was closed). IndexError out of range."""
        if not 0 <= index < self.total:
            raise IndexError(f"frame {index} is outside 0..{self.total - 1} in {self.path}")
        with self._lock:
            offset, length = self._index[index]
            if self._closed or self._fd is None or length == 0:
                return None
            data = os.pread(self._fd, int(length), int(offset))
        import cv2  # imported on first use: it costs ~0.4 s of start-up

        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        return None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def nearest_built(self, index: int) -> int | None:
        """The stored frame closest to ``index`` (itself when stored), or None if none is."""
        stored = np.flatnonzero(self._index[:, 1])
        if not len(stored):
            return None
        return int(stored[np.abs(stored - index).argmin()])

    def close(self) -> None:
        """Release the data file; later :meth:`get` calls return None. Closing twice is fine."""
        with self._lock:
            self._closed = True
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    # --- building ------------------------------------------------------------------------

    def build(self) -> Job[bool]:
        """Job: decode the clip once, in order, on one thread, storing every frame.

        Yields :class:`Progress` in frames; returns True when the cache is complete. Closing
        the job (cancel) stops it at the next report: frames stored so far stay readable
        until :meth:`close`, and no partial file is left in the cache folder. Raises OSError
        when the cache folder cannot be written, MediaError when the video data is damaged.
        """
        if self.ready:
            return True
        yield Progress(0, self.total, "previews")
        self._dir.mkdir(parents=True, exist_ok=True)
        handle, part = tempfile.mkstemp(dir=self._dir, prefix=self._final.name, suffix=".part")
        with self._lock:
            self._fd = handle
        try:
            yield from self._decode_all()
            if self.built < self.total:
                return False  # frames that would not decode: keep what we have, unsaved
            numbers = f"{part}.npy"
            np.save(numbers, self._index)
            os.replace(numbers, self._final.with_suffix(".npy"))
            os.replace(part, self._final)
            prune(self._dir, DEFAULT_DISK_BUDGET)
            return True
        finally:
            Path(part).unlink(missing_ok=True)  # the open descriptor still reads it

    def _decode_all(self) -> Job[None]:
        """Decode every frame in order and append its JPEG to the data file."""
        container, stream = open_input(self.path)
        configure(stream, single_thread=True)
        decoder = StreamDecoder(self.path, container, stream, self._table, single_thread=True)
        offset = 0
        try:
            if self._table.seekable:
                decoder.seek(0)
            else:
                decoder.rewind()  # counted tables: frames are numbered from the file's start
            while (item := decoder.next_frame()) is not None:
                index, frame = item
                data = self._jpeg(frame)
                if not self._append(index, offset, data):
                    return  # closed under us
                offset += len(data)
                if self.built % PROGRESS_EVERY == 0:
                    yield Progress(self.built, self.total, "previews")
        finally:
            decoder.close()

    def _jpeg(self, frame: object) -> bytes:
        """One decoded frame shrunk (in the reformatter, one thread), turned, JPEG-coded."""
        import cv2

        turned = self._rotation in (90, 270)
        width, height = self.size[::-1] if turned else self.size
        bgr = frame.reformat(
            width=width, height=height, format="bgr24", interpolation="AREA", threads=1
        ).to_ndarray()
        if self._rotation:
            bgr = cv2.rotate(bgr, getattr(cv2, _ROTATE[self._rotation]))
        _, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        return encoded.tobytes()

    def _append(self, index: int, offset: int, data: bytes) -> bool:
        """Write one JPEG at ``offset`` and publish it; False once the cache is closed."""
        with self._lock:
            if self._closed or self._fd is None:
                return False
            os.pwrite(self._fd, data, offset)
            if self._index[index, 1] == 0:
                self.built += 1
            self._index[index] = (offset, len(data))
            return True

    def _load_finished(self) -> None:
        """Open a complete cache file of this clip and size, if an earlier build left one."""
        numbers = self._final.with_suffix(".npy")
        try:
            index = np.load(numbers)
            fd = os.open(self._final, os.O_RDONLY)
        except (OSError, ValueError):
            return  # none yet (or unreadable): build it
        end = int((index[:, 0] + index[:, 1]).max()) if index.size else 0
        if index.shape != self._index.shape or not index[:, 1].all() or os.fstat(fd).st_size < end:
            os.close(fd)  # another clip's, unfinished or cut short: build it again
            return
        os.utime(self._final)  # recently used: pruned last
        self._index, self._fd, self.built = index, fd, self.total


def prune(folder: Path, budget: int) -> None:
    """Delete the least recently used preview files until ``folder`` holds ``budget`` bytes."""
    files = sorted(
        (p for p in folder.iterdir() if not p.suffix),  # data files; not indexes or parts
        key=lambda p: p.stat().st_mtime,
    )
    total = sum(p.stat().st_size for p in files)
    for path in files:
        if total <= budget:
            return
        total -= path.stat().st_size
        path.unlink(missing_ok=True)
        path.with_suffix(".npy").unlink(missing_ok=True)
