"""Storyframe's PySide6 desktop app: a thin Qt shell over the Qt-free core in ``annotators``.

The core modules the app uses are imported here, before any module of this package imports
Qt: once PySide6 is loaded its import hook inspects every module imported after it, which
made start-up about half a second slower.
"""

import annotators.analysis.views
import annotators.codebook
import annotators.coding
import annotators.media
import annotators.project
import annotators.transcribe.storage  # noqa: F401
