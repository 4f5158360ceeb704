"""Live view in the app: other coders' changes refresh the open views within a second
(:class:`LiveUpdates`), and an edit refused because someone else changed the row shows
what changed (:mod:`.conflicts`)."""

from .updates import LiveUpdates

__all__ = ["LiveUpdates"]
