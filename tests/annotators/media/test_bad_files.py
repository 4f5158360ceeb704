"""Every kind of broken input gives a MediaError that names the file and the problem."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotators.media import MediaError, open_video, probe
from tests.media_fixtures import (
    make_audio_only,
    make_clip,
    make_not_a_video,
    make_truncated,
    make_unknown_codec,
    make_zero_byte,
    read_barcode,
)

BAD_FILES = {
    "zero_byte": (make_zero_byte, "empty"),
    "not_a_video": (make_not_a_video, "not a video"),
    "audio_only": (make_audio_only, "no video stream"),
    "unknown_codec": (make_unknown_codec, "codec is not supported"),
    "truncated": (make_truncated, "truncated"),
}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_raises_media_error_naming_file_and_problem(tmp_path: Path, kind: str) -> None:
    make, problem = BAD_FILES[kind]
    path = make(tmp_path / f"{kind}.mp4")
    for opener in (open_video, probe):
        with pytest.raises(MediaError) as caught:
            opener(path)
        message = str(caught.value)
        assert str(path) in message and problem in message
        assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="file not found"):
        open_video(tmp_path / "gone.mp4")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("keep", [0.3, 0.7])
def test_truncated_faststart_file_opens_its_decodable_part(tmp_path: Path, keep: float) -> None:
    """A cut-off download with the index up front: the frames that arrived are usable."""
    path = make_truncated(tmp_path / "cut.mp4", keep=keep, faststart=True)
    with open_video(path) as video:
        assert video.truncated
        assert 0 < video.frame_count < 50
        order = list(range(video.frame_count))
        assert [read_barcode(video.frame(i)) for i in order[::-1] + order] == order[::-1] + order
    assert probe(path).truncated


@pytest.mark.timeout(60)
def test_damaged_video_data_never_hangs(tmp_path: Path) -> None:
    """Bytes overwritten inside the media data: each frame decodes (perhaps with artifacts)
    or raises MediaError naming the file; nothing loops forever."""
    path = make_clip(tmp_path / "damaged.mp4")
    data = bytearray(path.read_bytes())
    rng = random.Random(0)
    for _ in range(200):
        at = rng.randrange(len(data) // 10, len(data) - 2000)
        data[at : at + 8] = rng.randbytes(8)
    path.write_bytes(bytes(data))
    try:
        video = open_video(path)
    except MediaError as error:
        assert str(path) in str(error)
        return
    with video:
        for i in list(range(video.frame_count))[::-1]:
            try:
                assert video.frame(i).shape == (284, 160, 3)
            except MediaError as error:
                assert str(path) in str(error)
