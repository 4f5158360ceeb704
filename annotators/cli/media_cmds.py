"""``storyframe info VIDEO`` and ``storyframe frame VIDEO INDEX -o out.png``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from annotators.errors import StoryframeError
from annotators.safety import OutputGuard, prepare_target, write_bytes

from .app import app, console

VideoArg = Annotated[Path, typer.Argument(help="Video file.")]
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")


def _clock(seconds: float) -> str:
    """``hh:mm:ss.mmm`` for a time in seconds."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis / 1000:06.3f}"


@app.command("info")
def info(video: VideoArg) -> None:
    """Show the media facts of VIDEO: frames, duration, frame rate, size, rotation, audio."""
    from annotators.media import probe  # PyAV loads only for media commands

    facts = probe(video)
    table = Table(show_header=False, box=None)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")  # a long path is folded, never cut with an ellipsis
    rows = {
        "file": str(facts.path),
        "frames": str(facts.frame_count),
        "duration": f"{facts.duration:.3f} s ({_clock(facts.duration)})",
        "fps": f"{facts.fps:.3f} ({'variable' if facts.variable_frame_rate else 'constant'})",
        "resolution": f"{facts.width}x{facts.height} (display orientation)",
        "rotation": f"{facts.rotation} degrees clockwise",
        "audio": "yes" if facts.has_audio else "no",
    }
    if facts.truncated:
        rows["warning"] = "file is truncated: only the decodable frames are counted"
    for key, value in rows.items():
        table.add_row(Text(key, style="bold"), value)
    console.print(table, highlight=False)


@app.command("frame")
def frame(
    video: VideoArg,
    index: Annotated[int, typer.Argument(help="Frame number (0 = first, presentation order).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Image file to write (.png, .jpg, ...).")
    ],
) -> None:
    """Save frame INDEX of VIDEO as an image, in display orientation."""
    import cv2

    from annotators.media import MediaError, open_video

    if output.suffix.lower() not in IMAGE_SUFFIXES:
        raise StoryframeError(
            f"{output}: unknown image type; use one of {', '.join(IMAGE_SUFFIXES)}"
        )
    guard = OutputGuard.of([(video, "the video the frame is taken from")])
    prepare_target(output, guard)
    with open_video(video) as clip:
        if not 0 <= index < clip.frame_count:
            raise MediaError(
                f"{video}: frame {index} does not exist (frames 0..{clip.frame_count - 1})"
            )
        rgb, seconds = clip.frame(index), clip.timestamp(index)
    encoded, data = cv2.imencode(output.suffix.lower(), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not encoded:
        raise StoryframeError(f"{output}: cannot encode the image as {output.suffix}")
    write_bytes(output, data.tobytes(), guard=guard)
    console.print(
        f"frame {index} at {seconds:.3f} s ({_clock(seconds)}) -> {output}", highlight=False
    )
