"""Read-only views over a project for browsing: the clip library and the annotation table.

Qt-free and thread-safe (each call opens its own short session), so the desktop runs them in
worker threads and a script or notebook can call them directly.

- :func:`library_rows`, :func:`annotation_counts`, :func:`missing_files`: what the clip
  library lists.
- :func:`count_annotations`, :func:`annotation_page`, :func:`neighbour_annotation`: the
  annotation table, filtered and sorted in SQL and read a page at a time.
"""

from .annotations import (
    COLUMNS,
    AnnotationQuery,
    AnnotationRow,
    annotation_page,
    count_annotations,
    neighbour_annotation,
)
from .library import ClipRow, annotation_counts, library_rows, missing_files

__all__ = [
    "COLUMNS",
    "AnnotationQuery",
    "AnnotationRow",
    "ClipRow",
    "annotation_counts",
    "annotation_page",
    "count_annotations",
    "library_rows",
    "missing_files",
    "neighbour_annotation",
]
