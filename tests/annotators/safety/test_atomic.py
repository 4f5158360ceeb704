"""Atomic outputs: a write error leaves the old file and no partial; stale partials go away."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotators.errors import ExportError
from annotators.safety import atomic_output, stale_partials, write_text


def test_write_error_keeps_the_old_file_and_leaves_no_partial(tmp_path: Path) -> None:
    """A real write error from the kernel (file size limit: EFBIG, as ENOSPC would be)."""
    target = tmp_path / "out.csv"
    target.write_text("previous export\n")
    script = (
        "import resource, signal, sys\n"
        "from annotators.errors import ExportError\n"
        "from annotators.safety import write_text\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        "try:\n"
        f"    write_text({str(target)!r}, 'x' * 1_000_000)\n"
        "except ExportError as error:\n"
        "    print(error); sys.exit(1)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=os.environ, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert "cannot write (File too large); nothing was written" in done.stdout
    assert target.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_error_inside_the_block_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write("half")
        raise RuntimeError("cancelled")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_stale_partial_of_a_killed_writer_is_removed_live_one_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    stale = tmp_path / ".out.csv.k1ll3d.partial"
    stale.write_bytes(b"x" * 1000)  # what kill -9 during an export leaves
    live = tmp_path / ".out.csv.l1v3.partial"
    live.write_bytes(b"y")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl,sys,time\n"
         f"f=open({str(live)!r},'rb'); fcntl.flock(f, fcntl.LOCK_EX); print('ok', flush=True)\n"
         "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ok"
        assert stale_partials(target) == [stale]
        write_text(target, "new")
        assert target.read_text() == "new"
        assert not stale.exists() and live.exists()
    finally:
        holder.communicate("", timeout=10)
    # once its writer is gone, the other partial is stale too
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.close(fd)
    write_text(target, "newer")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_missing_parent_is_created_file_in_the_way_is_refused(tmp_path: Path) -> None:
    assert write_text(tmp_path / "a" / "b" / "c.yaml", "x").read_text() == "x"
    (tmp_path / "plain").write_text("x")
    with pytest.raises(ExportError, match="cannot create the folder"):
        write_text(tmp_path / "plain" / "c.yaml", "y")
