"""``storyframe info`` and ``storyframe frame``: output for good files, one line for bad ones."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from annotators.cli import main
from tests.media_fixtures import make_not_a_video, read_barcode


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI; return (exit code, stdout, stderr)."""
    try:
        main(args)
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_info_prints_the_media_facts(clip, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["info", str(clip("rot90"))], capsys)
    assert code == 0
    for fact in ("50", "2.000 s", "00:00:02.000", "25.000", "160x284", "90 degrees", "no"):
        assert fact in out


def test_frame_writes_the_exact_frame_as_png(clip, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out_png = tmp_path / "f.png"
    code, out, _ = run(["frame", str(clip("vfr")), "17", "-o", str(out_png)], capsys)
    assert code == 0 and str(out_png) in out
    image = cv2.cvtColor(cv2.imread(str(out_png)), cv2.COLOR_BGR2RGB)
    assert image.shape == (284, 160, 3)
    assert read_barcode(image) == 17


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["info", "{bad}"], "not a video"),
        (["frame", "{bad}", "0", "-o", "{tmp}/x.png"], "not a video"),
        (["frame", "{good}", "500", "-o", "{tmp}/x.png"], "frame 500 does not exist"),
        (["frame", "{good}", "1", "-o", "{tmp}/x.txt"], "unknown image type"),
        # a missing folder is created; one that cannot be (a file is in the way) is an error
        (["frame", "{good}", "1", "-o", "{bad}/x.png"], "cannot create the folder"),
    ],
)
def test_bad_input_exits_nonzero_with_one_line(  # type: ignore[no-untyped-def]
    clip, tmp_path: Path, capsys, args: list[str], problem: str
) -> None:
    bad = make_not_a_video(tmp_path / "notes.mp4")
    filled = [a.format(bad=bad, good=clip("cfr"), tmp=tmp_path) for a in args]
    code, _, err = run(filled, capsys)
    assert code != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and problem in lines[0] and "Traceback" not in err
