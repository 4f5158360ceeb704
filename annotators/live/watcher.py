"""The one interface both backends' watchers share, and :func:`watch` that picks one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from annotators.errors import ProjectError

from .changes import Change

if TYPE_CHECKING:
    from annotators.project import Project


class ChangeWatcher(Protocol):
    """Reports what other writers committed to a project.

    :meth:`wait` blocks its caller (run it on a worker thread), :meth:`absorb` and
    :meth:`close` may be called from any other thread.
    """

    def wait(self, timeout: float) -> list[Change]:
        """The changes other writers committed since the last call, waiting up to ``timeout``
        seconds for the first; an empty list when there was none. A change this watcher
        cannot pin down is reported as ``Change(table, None)`` for every watched table."""
        ...

    def absorb(self, tables: Iterable[str]) -> None:
        """Count what is now committed in ``tables`` as already seen: call it right after
        this process's own commit (whose views reload anyway), so it is not reported back."""
        ...

    def close(self) -> None:
        """Stop watching (a :meth:`wait` in progress returns within its timeout)."""
        ...


def watch(project: Project) -> ChangeWatcher:
    """A watcher for ``project``: ``LISTEN`` on a server project, ``data_version`` polling
    on a SQLite file. On a server it also tags ``project.engine``'s connections, so this
    process's own changes are not reported back to it.

    :class:`ProjectError` when the database cannot be watched (the server is unreachable).
    """
    if project.server is not None:
        import psycopg

        from .server_watcher import ServerWatcher

        try:
            return ServerWatcher(project.engine)
        except psycopg.Error as error:
            raise ProjectError(
                f"cannot watch {project.server.database} for changes: {error}"
            ) from error
    from .file_watcher import FileWatcher

    try:
        return FileWatcher(project.path)
    except sqlite3.Error as error:
        raise ProjectError(f"cannot watch {project.path} for changes: {error}") from error
