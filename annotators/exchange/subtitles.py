"""Caption files (SRT, WebVTT) imported as the transcript of a clip (:mod:`.captions`).

The transcript becomes the clip's current one; the previous transcript is kept as an older
version (:func:`annotators.transcribe.save_transcript`), so nothing a coder quoted is lost.
The clip is ``--video``, else the project video whose file name is the caption's name
without ``.srt``/``.vtt`` (``clip.mp4.vtt`` -> ``clip.mp4``).
"""

from __future__ import annotations

from pathlib import Path

from .captions import caption_format, read_captions
from .plan import ImportPlan, TranscriptDraft, VideoRef
from .registry import Format, register


def caption_video(path: Path) -> VideoRef:
    """The clip a caption file names: its file name without the caption suffix."""
    name = Path(path).name
    stem = (
        name[: -len(Path(name).suffix)] if Path(name).suffix.lower() in (".srt", ".vtt") else name
    )
    return VideoRef(file_name=stem or name)


def read_caption_plan(path: Path, *, coder: str | None = None) -> ImportPlan:
    """The caption file ``path`` as a plan with one transcript (``coder`` is not used: a
    transcript has no coder). Raises :class:`~annotators.errors.ExportError` naming the file
    when it cannot be read."""
    path = Path(path)
    result = read_captions(path)
    fmt = "srt" if result.provenance.engine_version == "srt" else "vtt"
    plan = ImportPlan(source=path, format=fmt)
    video = plan.add_video(caption_video(path))
    plan.transcripts.append(TranscriptDraft(video=video, result=result, origin=path.name))
    if not result.segments:
        plan.problems.append(f"{path.name}: no caption text, the transcript is empty")
    return plan


def _detect(fmt: str):  # noqa: ANN202 (a detect callable)
    return lambda path: caption_format(Path(path)) == fmt


SRT = register(
    Format(
        name="srt",
        title="SubRip captions (.srt)",
        extensions=(".srt",),
        detect=_detect("srt"),
        read=read_caption_plan,
    )
)
VTT = register(
    Format(
        name="vtt",
        title="WebVTT captions (.vtt)",
        extensions=(".vtt",),
        detect=_detect("vtt"),
        read=read_caption_plan,
    )
)
