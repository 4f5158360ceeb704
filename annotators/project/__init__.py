"""Storyframe projects: create/open a project file, import and relink its videos.

>>> with Project.create("study.storyframe") as project:   # doctest: +SKIP
...     report = run_job(project.import_media(["clips/"]))
"""

from .core import PROJECT_SUFFIX, Project, project_file_path
from .importer import ImportReport, Skipped
from .metadata import MetadataReport
from .relink import RelinkReport

__all__ = [
    "PROJECT_SUFFIX",
    "ImportReport",
    "MetadataReport",
    "Project",
    "RelinkReport",
    "project_file_path",
    "Skipped",
]
