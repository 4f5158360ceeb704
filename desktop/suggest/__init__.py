"""Reviewing what the offline assistants found (issue 13): shot cuts and on-screen text on the
timeline, suggested annotations as hollow bars with keys to step through, accept and reject
them, and Clip ▸ Analyse running the core analysis in the background.

Modules: :mod:`.controller` (suggestions and cuts of the clip on screen, the keys),
:mod:`.onscreen` (the on-screen text track and list), :mod:`.running` (the Analyse job).
This file imports nothing, so a child process importing :mod:`desktop.child_jobs` stays
free of Qt.
"""
