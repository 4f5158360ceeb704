"""Transcription workers: a shared queue in a server project's database (procrastinate).

>>> report = enqueue_clips(project)                          # doctest: +SKIP
>>> run_worker(project, load_engine(), on_clip=print)        # doctest: +SKIP (until Ctrl+C)
>>> queue_status(project, report.run).summary()              # doctest: +SKIP
'0 waiting, 1 running (gpu-box), 41 done, 0 failed'
"""

from annotators.queue.app import QueueSettings, queue_app
from annotators.queue.clip import ClipDone, Stamp, transcribe_queued_clip
from annotators.queue.enqueue import EnqueueReport, enqueue_clips
from annotators.queue.schema import ensure_queue_schema
from annotators.queue.status import JobState, QueueStatus, queue_status
from annotators.queue.task import ClipFailed
from annotators.queue.worker import machine_name, run_worker

__all__ = [
    "ClipDone",
    "ClipFailed",
    "EnqueueReport",
    "JobState",
    "QueueSettings",
    "QueueStatus",
    "Stamp",
    "enqueue_clips",
    "ensure_queue_schema",
    "machine_name",
    "queue_app",
    "queue_status",
    "run_worker",
    "transcribe_queued_clip",
]
