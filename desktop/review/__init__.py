"""The lead's side of a reliability study in the app (Study menu).

- :class:`ReliabilityDialog` (Study ▸ Reliability): the agreement report, computed in a
  worker with progress and Cancel, filtered by coder and code, exported as HTML, CSV or JSON;
- :class:`ReviewPanel` (Study ▸ Review view): one clip's work by every coder side by side,
  disagreements first, and adjudication into the consensus layer with provenance;
- :func:`build_study_menu`: the Study menu's actions; :func:`stop_study_jobs` at close.
"""

from .actions import build_study_menu, open_reliability, stop_study_jobs
from .reliability_dialog import ReliabilityDialog
from .review_panel import ReviewPanel

__all__ = [
    "ReliabilityDialog",
    "ReviewPanel",
    "build_study_menu",
    "open_reliability",
    "stop_study_jobs",
]
