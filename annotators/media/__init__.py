"""Frame-exact media access (Qt-free).

>>> from annotators.media import open_video
>>> with open_video("clip.mp4") as video:             # doctest: +SKIP
...     rgb = video.frame(video.frame_index_at(1.5))  # the frame on screen at 1.5 s

Frame ``i`` is the ``i``-th frame in presentation order, from the container's packet
timestamps (exact for variable frame rates and B-frames); frames come in display
orientation. :func:`probe` returns the facts without keeping the file open, and
:func:`load_audio` decodes the audio track for transcription.
"""

from annotators.errors import MediaError

from .audio import load_audio
from .info import MediaInfo, probe
from .video import Video, open_video

__all__ = ["MediaError", "MediaInfo", "Video", "load_audio", "open_video", "probe"]
