"""Local, offline analyses of clips: on-screen text (OCR), shot cuts, coding suggestions.

>>> analysis = save_cuts(session, video.id, [Cut(48, 2.0)], source)   # doctest: +SKIP
>>> cuts = load_cuts(session, video.id)                               # doctest: +SKIP
>>> cuts = detect_cuts(project, video)                                # doctest: +SKIP
>>> made = suggest_for_clip(project, video.id, coder.id)              # doctest: +SKIP
>>> accept(project, made[0].annotation_uid, coder.id)                 # doctest: +SKIP
"""

from annotators.analysis.shots import detect_cuts
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
from annotators.analysis.suggest import (
    PendingSuggestion,
    accept,
    pending_suggestions,
    reject,
    suggest_for_clip,
)

__all__ = [
    "STEP_OCR",
    "STEP_SHOTS",
    "AnalysisSource",
    "PendingSuggestion",
    "accept",
    "detect_cuts",
    "pending_suggestions",
    "reject",
    "suggest_for_clip",
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
