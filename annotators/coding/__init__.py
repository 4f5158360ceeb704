"""Coding operations (Qt-free): annotations and clip-level values with undo/redo.

>>> coding = Coding.for_project(project)                      # doctest: +SKIP
>>> note = coding.add_annotation(video.id, donate.id, coder.id, 120)
>>> coding.history.undo_label
"Add 'Donate' at frame 120"
>>> coding.undo()

The desktop app drives :attr:`Coding.history` from its Edit menu; scripts and imports use the
same operations, and :meth:`Coding.bulk_create_annotations` for many rows at once.
:func:`open_interval` stores an interval the moment it starts (it survives a crash);
:func:`close_interval` turns it into an annotation, :func:`cancel_interval` drops it.
"""

from .bulk import BulkResult
from .history import Action, History
from .open_intervals import cancel_interval, close_interval, open_interval, open_intervals
from .ops import SOURCES, UNSET, Coding, annotation_fields, checked_clip_value
from .times import ClipTimes, FrameTimes, TimesResolver, media_times

__all__ = [
    "SOURCES",
    "UNSET",
    "Action",
    "BulkResult",
    "ClipTimes",
    "Coding",
    "FrameTimes",
    "History",
    "TimesResolver",
    "annotation_fields",
    "cancel_interval",
    "close_interval",
    "checked_clip_value",
    "media_times",
    "open_interval",
    "open_intervals",
]
