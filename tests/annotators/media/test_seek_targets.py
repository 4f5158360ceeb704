"""A seek lands on the keyframe it aims at, so a random seek decodes one GOP, not two."""

from __future__ import annotations

import av
import pytest

from annotators.media.container import open_input
from annotators.media.frame_table import read_table

from .conftest import CLIPS


@pytest.mark.parametrize("name", sorted(CLIPS))
def test_seeking_to_each_keyframe_lands_on_it(clip, name: str) -> None:
    path = clip(name)
    container, stream = open_input(path)
    with container:
        table = read_table(path, container, stream)
        assert len(table.key_pts) > 1
        for key in range(len(table.key_pts)):
            container.seek(table.seek_target(key), stream=stream)
            first = next(p for p in container.demux(stream) if p.size)
            assert first.pts == table.key_pts[key], f"keyframe {key} of {name}"


def test_the_seek_target_of_a_vfr_keyframe_is_later_than_its_pts(clip) -> None:
    # MP4 indexes by dts shifted by the B-frame delay: on irregular frame times that is later
    # than the keyframe's pts, and seeking to the pts landed a whole GOP early
    path = clip("vfr")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        table = read_table(path, container, stream)
    assert any(table.seek_target(k) > table.key_pts[k] for k in range(len(table.key_pts)))
