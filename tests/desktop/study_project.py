"""A real project coded independently by two coders, for the review and reliability tests.

Built through :mod:`annotators.coding` operations on real (small, generated) clips, as two
coders working blind would leave it: the same codebook, the same clips, values that mostly agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from annotators.coding import Coding
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Code
from tests.media_fixtures import make_clip

CLIPS = ("climate_march", "food_bank_duet", "pride_walk", "river_cleanup")
# clip variable values per clip: (Ana, Ben); Ben differs on a few
PRIMARY = {
    "climate_march": ("environment", "environment"),
    "food_bank_duet": ("poverty", "poverty"),
    "pride_walk": ("lgbtq", "lgbtq"),
    "river_cleanup": ("environment", "health"),
}
TONE = {
    "climate_march": ("4", "4"),
    "food_bank_duet": ("2", "3"),
    "pride_walk": ("5", "5"),
    "river_cleanup": ("3", "3"),
}
NARRATOR = {
    "climate_march": ("first_person", "first_person"),
    "food_bank_duet": ("third_person", "first_person"),
    "pride_walk": ("first_person", "first_person"),
    "river_cleanup": ("no_narrator", "no_narrator"),
}


@dataclass(frozen=True)
class StudyProject:
    """Where the project is, and the names a test needs."""

    path: Path
    coders: tuple[str, str]
    disputed_clip: str  # a clip on which the two coders disagree on primary_cause


def build_study_project(folder: Path, *, seconds: float = 2.0, size=(160, 284)) -> StudyProject:
    """Create ``folder/study.storyframe`` with four clips coded by Ana and Ben."""
    media = folder / "clips"
    media.mkdir(parents=True, exist_ok=True)
    width, height = size
    for number, name in enumerate(CLIPS):  # lengths differ, so the files do (content hash)
        length = seconds + 0.4 * number
        make_clip(media / f"{name}.mp4", seconds=length, fps=25, width=width, height=height)
    path = folder / "study.storyframe"
    with Project.create(path) as project:
        run_job(project.import_media([media]))
        code_both(project)
        assert len(project.videos()) == len(CLIPS)
    return StudyProject(path, ("Ana", "Ben"), "river_cleanup.mp4")


def code_both(project: Project) -> None:
    """Two coders code every clip through the coding operations."""
    coding = Coding.for_project(project)
    with project.session() as session:
        codes = {code.key: code.id for code in session.exec(select(Code))}
    coders = [project.coder("Ana").id, project.coder("Ben").id]
    for video in project.videos():
        stem = Path(video.file_name).stem
        last = video.frame_count - 1
        for who, coder in enumerate(coders):
            coding.set_clip_value(video.id, codes["primary_cause"], coder, PRIMARY[stem][who])
            coding.set_clip_value(video.id, codes["emotional_tone"], coder, TONE[stem][who])
            coding.set_clip_value(
                video.id, codes["narrator_perspective"], coder, NARRATOR[stem][who]
            )
            shift = 3 * who  # Ben starts his testimony a little later
            coding.add_annotation(
                video.id, codes["personal_testimony"], coder, 2 + shift, last // 2 + shift
            )
            if who == 0 or stem != "river_cleanup":  # Ben missed the donate request here
                coding.add_annotation(video.id, codes["cta_donate"], coder, last - 5)
