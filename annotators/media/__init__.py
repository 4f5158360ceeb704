"""Frame-exact media access (Qt-free).

>>> from annotators.media import open_video
>>> with open_video("clip.mp4") as video:             # doctest: +SKIP
...     rgb = video.frame(video.frame_index_at(1.5))  # the frame on screen at 1.5 s

Frame ``i`` is the ``i``-th frame in presentation order, from the container's packet
timestamps (exact for variable frame rates and B-frames); frames come in display
orientation. :func:`probe` returns the facts without keeping the file open, and
:func:`load_audio` decodes the audio track for transcription.

Previews: ``video.preview_job()`` builds a small JPEG of every frame in the background
(:mod:`.preview`); then ``video.preview(i)`` returns frame ``i`` downscaled in a millisecond.
:func:`audio_summary` gives the peak envelope and speech spans a timeline draws.
"""

from annotators.errors import MediaError

from .audio import load_audio
from .info import MediaInfo, probe
from .video import Video, open_video
from .waveform import AudioSummary, audio_summary

__all__ = [
    "AudioSummary",
    "MediaError",
    "MediaInfo",
    "Video",
    "audio_summary",
    "load_audio",
    "open_video",
    "probe",
]
