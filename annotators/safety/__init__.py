"""Safe output files: no command writes over a project, its WAL/SHM files, a video or a device.

>>> guard = OutputGuard.for_project(project)               # doctest: +SKIP
>>> with atomic_output(path, guard=guard) as handle:        # doctest: +SKIP
...     handle.write(text)

- :class:`OutputGuard`: the files a target must not be (the project, ``-wal``/``-shm``,
  imported videos, the input of a command), checked by real path and by file identity;
- :func:`check_target`: refuse a target that is protected, not a regular file, or an SQLite
  database (any project file, also of another project) -- one clear :class:`ExportError`;
- :func:`atomic_output` / :func:`write_text` / :func:`write_bytes`: write beside the target,
  fsync, then rename over it, so a failed, full or killed write leaves the old file (or no
  file) and never a truncated one; stale ``.partial`` files of killed writers are removed.
"""

from .outputs import (
    OutputGuard,
    atomic_output,
    check_target,
    prepare_target,
    stale_partials,
    write_bytes,
    write_text,
)

__all__ = [
    "OutputGuard",
    "atomic_output",
    "check_target",
    "prepare_target",
    "stale_partials",
    "write_bytes",
    "write_text",
]
