"""The transcription queue of a server project in the app: a window that shows waiting,
running (on which machine), done and failed clips, and the action that queues clips for the
workers (``storyframe worker`` on other machines)."""

from .actions import show_queue, transcribe_on_workers
from .panel import QueuePanel, StatusPoller

__all__ = ["QueuePanel", "StatusPoller", "show_queue", "transcribe_on_workers"]
