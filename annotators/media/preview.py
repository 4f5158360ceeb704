"""Preview cache: a small JPEG of every frame, for instant scrubbing and the filmstrip.

One sequential pass decodes the clip on one thread and stores each frame, shrunk in the
reformatter so its longer side is ``max_side`` and turned to display orientation, as a JPEG in
one file in the user cache folder. The file is keyed by a hash of the clip's content plus
``max_side``, so reopening a clip (or a copy of it) finds its previews at once. Memory stays
bounded whatever the clip's length: the process holds only two offsets per frame; the JPEGs
live in the file (and the OS page cache).

While a build runs, the JPEGs go to a ``.part`` file and their offsets to a ``.part.npy`` index
beside it, mapped into memory; both are renamed to their final names once every frame is
stored, so an interrupted build never leaves a file a later open would trust. Because the index
is a shared file mapping, the build can run in another process: :meth:`PreviewCache.reserve`
creates the part files in the reading process, ``build(into=part)`` fills them elsewhere, and
every frame the builder stores is readable at once (the desktop app does this, so the build's
Python work never competes with its UI thread for the GIL).

Frame ``i`` is the ``i``-th frame in presentation order, exactly as the frame table names it
(each decoded frame is identified by its pts, or by counting for counted tables), so a preview
is the same picture as ``Video.frame(i)``, only smaller. Reading is thread-safe and never waits
for the build or for a full-resolution decode.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import time
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
STALE_PART_S = 24 * 3600  # part files this old were left by a build that was killed
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


def index_part(part: Path) -> Path:
    """The index file that goes with the data part file ``part``."""
    return part.with_name(part.name + ".npy")


def discard_part(part: Path) -> None:
    """Delete the part files of a build that did not finish (nothing when they were renamed
    to their final names). Readers that have them open keep reading what was stored."""
    part.unlink(missing_ok=True)
    index_part(part).unlink(missing_ok=True)


def preview_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """Display (width, height) shrunk so the longer side is ``max_side`` (never enlarged),
    rounded to even numbers, which every pixel format accepts."""
    scale = min(1.0, max_side / max(width, height))
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


class PreviewCache:
    """Downscaled JPEGs of every frame of one clip. Create one per (clip, ``max_side``);
    :meth:`build` fills it (or :meth:`ready` is already True when the cache file exists).

    ``built`` counts frames stored so far (by this process or a builder of :meth:`reserve`'s
    part files); ``total`` is the frame count. :meth:`get` is safe from any thread. Call
    :meth:`close` when done.
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
        # (offset, length) of each frame's JPEG in the data file; length 0 = not stored yet.
        # While building it is a mapping of the part index file, shared with the builder.
        self._index: np.ndarray = np.zeros((self.total, 2), dtype=np.int64)
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._closed = False
        self._load_finished()

    # --- reading -------------------------------------------------------------------------

    @property
    def built(self) -> int:
        """Frames stored so far."""
        return int(np.count_nonzero(self._index[:, 1]))

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
            if self._closed or self._fd is None:
                return None
            # the builder writes the offset, then the length: a length seen means its offset is
            length = int(self._index[index, 1])
            offset = int(self._index[index, 0])
            if length == 0:
                return None
            data = os.pread(self._fd, length, offset)
        import cv2  # imported on first use: it costs ~0.4 s of start-up

        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        return None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def nearest_built(self, index: int) -> int | None:
        """The stored frame closest to ``index`` (itself when stored), or None if none is."""
        stored = np.flatnonzero(self._index[:, 1])
        if not len(stored):
            return None
        return int(stored[np.abs(stored - index).argmin()])

    def refresh(self) -> None:
        """After a build in another process ended: open the finished cache file if there is
        one now (that build may have found it made by a third, and stored nothing itself)."""
        if not self.ready and not self._closed:
            self._load_finished()

    def close(self) -> None:
        """Release the data file; later :meth:`get` calls return None. Closing twice is fine."""
        with self._lock:
            self._closed = True
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    # --- building ------------------------------------------------------------------------

    def reserve(self) -> Path | None:
        """Create the part files for a build and read from them: every frame a builder stores
        there (this cache's :meth:`build`, or ``build(into=part)`` of a cache of the same clip
        and size in another process) is readable here at once. Returns the data part file,
        or None when the cache is already complete. Whoever runs the build elsewhere calls
        :func:`discard_part` once it has ended (a no-op when it finished). Raises OSError
        when the cache folder cannot be written."""
        if self.ready:
            return None
        self._dir.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self._dir, prefix=self._final.name, suffix=".part")
        part = Path(name)
        try:
            index = np.lib.format.open_memmap(
                index_part(part), mode="w+", dtype=np.int64, shape=self._index.shape
            )
        except OSError:
            os.close(handle)
            discard_part(part)
            raise
        self._use(handle, index)
        return part

    def build(self, into: Path | None = None) -> Job[bool]:
        """Job: decode the clip once, in order, on one thread, storing every frame.

        ``into`` names part files made by :meth:`reserve` (in this or another process) to
        fill; by default the build makes its own. Yields :class:`Progress` in frames; returns
        True when the cache is complete. Closing the job (cancel) stops it at the next report:
        frames stored so far stay readable until :meth:`close`, and no partial file is left in
        the cache folder. Raises OSError when the cache folder cannot be written, MediaError
        when the video data is damaged.
        """
        if self.ready:
            return True
        yield Progress(0, self.total, "previews")
        part = self.reserve() if into is None else self._open_part(Path(into))
        try:
            yield from self._decode_all()
            if self.built < self.total:
                return False  # frames that would not decode: keep what we have, unsaved
            if isinstance(self._index, np.memmap):
                self._index.flush()
            os.replace(index_part(part), self._final.with_suffix(".npy"))
            os.replace(part, self._final)
            prune(self._dir, DEFAULT_DISK_BUDGET)
            return True
        finally:
            discard_part(part)  # open descriptors and mappings still read it

    def _open_part(self, part: Path) -> Path:
        """Write into the part files :meth:`reserve` made (possibly in another process)."""
        index = np.load(index_part(part), mmap_mode="r+")
        if index.shape != self._index.shape:
            raise ValueError(f"{part} holds {len(index)} frames, not {self.total}")
        self._use(os.open(part, os.O_RDWR), index)
        return part

    def _use(self, fd: int, index: np.ndarray) -> None:
        """Read (and write) frames through ``fd`` and ``index`` from now on."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
            self._fd, self._index = fd, index

    def _decode_all(self) -> Job[None]:
        """Decode every frame in order and append its JPEG to the data file."""
        container, stream = open_input(self.path)
        configure(stream, single_thread=True)
        decoder = StreamDecoder(self.path, container, stream, self._table, single_thread=True)
        offset = stored = 0
        try:
            if self._table.seekable:
                decoder.seek(0)
            else:
                decoder.rewind()  # counted tables: frames are numbered from the file's start
            while (item := decoder.next_frame()) is not None:
                index, frame = item
                if self._index[index, 1]:
                    continue  # stored once already: readers may be reading it
                data = self._jpeg(frame)
                if not self._append(index, offset, data):
                    return  # closed under us
                offset += len(data)
                stored += 1
                if stored % PROGRESS_EVERY == 0:
                    yield Progress(stored, self.total, "previews")
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
            # offset first, then length: a reader that sees the length finds its offset too
            self._index[index, 0] = offset
            self._index[index, 1] = len(data)
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
        self._use(fd, index)


def prune(folder: Path, budget: int) -> None:
    """Delete the least recently used preview files until ``folder`` holds ``budget`` bytes,
    and part files left by builds that were killed a day or more ago."""
    for part in folder.glob("*.part*"):
        with contextlib.suppress(FileNotFoundError):  # another build ending meanwhile
            if time.time() - part.stat().st_mtime > STALE_PART_S:
                part.unlink()
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
