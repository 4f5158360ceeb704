"""Small generated clips shared by the media tests (made once per test session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.media_fixtures import make_clip

# name -> make_clip options; every clip has B-frames unless it says otherwise
CLIPS = {
    "cfr": {},
    "vfr": {"vfr": True},
    "no_bframes": {"bframes": 0},
    "hevc": {"codec": "hevc"},
    "mpeg4": {"codec": "mpeg4"},
    "rot90": {"rotation": 90},
    "rot180": {"rotation": 180},
    "rot270": {"rotation": 270, "vfr": True},
    "audio": {"audio": True},
}


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def clip(clip_dir: Path):  # type: ignore[no-untyped-def]
    """``clip(name)`` -> path of the generated clip ``name`` from :data:`CLIPS`."""
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            made[name] = make_clip(clip_dir / f"{name}.mp4", **CLIPS[name])
        return made[name]

    return get
