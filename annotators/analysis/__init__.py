"""Local, offline analyses of clips: on-screen text (OCR), shot cuts, coding suggestions.

>>> analysis = save_cuts(session, video.id, [Cut(48, 2.0)], source)   # doctest: +SKIP
>>> cuts = load_cuts(session, video.id)                               # doctest: +SKIP
"""

from annotators.analysis.storage import (
    STEP_OCR,
    STEP_SHOTS,
    AnalysisSource,
    Cut,
    TextOccurrence,
    analysis_versions,
    current_analysis,
    discard_analysis,
    load_cuts,
    load_texts,
    save_analysis,
    save_cuts,
    save_texts,
    set_current_analysis,
)

__all__ = [
    "STEP_OCR",
    "STEP_SHOTS",
    "AnalysisSource",
    "Cut",
    "TextOccurrence",
    "analysis_versions",
    "current_analysis",
    "discard_analysis",
    "load_cuts",
    "load_texts",
    "save_analysis",
    "save_cuts",
    "save_texts",
    "set_current_analysis",
]
