"""Inter-coder reliability: Krippendorff's alpha (clip variables, time-anchored codes,
unitizing), kappa, percent agreement, point-event matching, bootstrap intervals, reports.

Qt-free; the CLI (``storyframe reliability``) and the app's Study > Reliability call
:func:`reliability_report` / :func:`reliability_job`.
"""

from .alpha import LEVELS, Alpha, krippendorff_alpha
from .kappa import cohen_kappa, fleiss_kappa, percent_agreement
from .points import Matching, match_points
from .report import FORMATS, ReliabilityReport, reliability_job, reliability_report
from .result import Disagreement, Result
from .unitizing import Continuum, Unitizing, unitizing_alpha

__all__ = [
    "FORMATS",
    "LEVELS",
    "Alpha",
    "Continuum",
    "Disagreement",
    "Matching",
    "ReliabilityReport",
    "Result",
    "Unitizing",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "match_points",
    "percent_agreement",
    "reliability_job",
    "reliability_report",
    "unitizing_alpha",
]
