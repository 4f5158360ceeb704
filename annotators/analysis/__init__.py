"""Local, offline analyses of clips: on-screen text (OCR), shot cuts, coding suggestions.

>>> analysis = save_cuts(session, video.id, [Cut(48, 2.0)], source)   # doctest: +SKIP
>>> cuts = load_cuts(session, video.id)                               # doctest: +SKIP
>>> report = run_job(analyze_project(project, steps=("shots", "ocr")))  # doctest: +SKIP
>>> cuts = detect_cuts(project, video)                                # doctest: +SKIP
>>> made = suggest_for_clip(project, video.id, coder.id)              # doctest: +SKIP
>>> accept(project, made[0].annotation_uid, coder.id)                 # doctest: +SKIP

The batch and OCR names (``analyze_project``, ``AnalyzeReport``, ``read_onscreen_text``,
``TextReader``, ``OcrSettings``) load on first use, so importing the storage functions does
not load OpenCV and the OCR engine.
"""

from typing import Any

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

_LAZY = {
    "analyze_project": "annotators.analysis.batch",
    "AnalyzeReport": "annotators.analysis.batch",
    "StepOutcome": "annotators.analysis.batch",
    "read_onscreen_text": "annotators.analysis.ocr",
    "TextReader": "annotators.analysis.ocr",
    "OcrSettings": "annotators.analysis.ocr",
    "OcrResult": "annotators.analysis.ocr",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
