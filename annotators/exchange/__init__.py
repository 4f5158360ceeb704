"""Exchange with the field's tools (ELAN, REFI-QDA...): import plans and exports (Qt-free).

>>> plan = read_file("session.eaf")                              # doctest: +SKIP
>>> preview = apply_plan(project, plan, dry_run=True)            # changes nothing
>>> print("\\n".join(preview.summary()))
>>> apply_plan(project, plan, coder="alice")                     # one transaction
>>> run_job(export_job(project, "eaf", "out/", ExportFilter()))

A format is a module registering a :class:`Format` (``detect``, ``read``, ``export``); see
:mod:`.registry`.
"""

from .apply import apply_plan
from .plan import (
    AnnotationDraft,
    ClipValueDraft,
    CodeDraft,
    ImportPlan,
    ImportResult,
    TranscriptDraft,
    VideoRef,
)
from .registry import (
    Format,
    detect_format,
    export_formats,
    formats,
    import_formats,
    read_file,
    register,
)
from .run import EXCHANGE_FORMATS, export_job, import_file
from .writing import ExchangeExport

__all__ = [
    "EXCHANGE_FORMATS",
    "AnnotationDraft",
    "ClipValueDraft",
    "CodeDraft",
    "ExchangeExport",
    "Format",
    "ImportPlan",
    "ImportResult",
    "TranscriptDraft",
    "VideoRef",
    "apply_plan",
    "detect_format",
    "export_formats",
    "export_job",
    "formats",
    "import_file",
    "import_formats",
    "read_file",
    "register",
]
