"""Live view: learn that another coder or process changed the project, and what changed.

One interface over both backends (:func:`watch`): PostgreSQL delivers ``LISTEN/NOTIFY``
messages sent by triggers on the coding tables (migration 0006); SQLite is polled with
``PRAGMA data_version`` (it moves when another connection commits) and a cheap per-clip
fingerprint of the same tables tells which clips changed.

- :func:`watch` -- a :class:`ChangeWatcher` for an open project;
- :class:`Change` -- one changed table, with the clip it concerns (``None``: not one clip);
- :data:`KINDS` -- the view a change of each table affects (the desktop's ``data_changed`` kinds);
- :mod:`.conflicts` -- an edit or undo refused over someone else's change, theirs beside yours
  (:func:`~.conflicts.edit_refused`, :func:`~.conflicts.history_refused`).
"""

from .changes import KINDS, WATCHED_TABLES, Change, kinds_of
from .watcher import ChangeWatcher, watch

__all__ = ["KINDS", "WATCHED_TABLES", "Change", "ChangeWatcher", "kinds_of", "watch"]
