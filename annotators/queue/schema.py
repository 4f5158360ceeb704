"""The queue's tables in a server project's database: procrastinate's own schema, plus
``storyframe_queue_attempts`` (which machine ran each attempt of a job, and how it ended:
procrastinate keeps neither the worker's machine nor a failed job's error).

Applied once per database, idempotently and under an advisory lock, so two machines that
start at the same moment do not both create it. These tables are not Storyframe's schema:
Alembic's comparisons leave them out (:func:`annotators.store.migrate.include_name`).
"""

from __future__ import annotations

import psycopg
from procrastinate.schema import SchemaManager

from annotators.errors import ProjectError

# Any constant distinct from the writers' lock (annotators.store.engine.WRITE_LOCK).
SCHEMA_LOCK = 0x5F_51_55_45  # "_QUE"

ATTEMPTS_TABLE = """
CREATE TABLE IF NOT EXISTS storyframe_queue_attempts (
    id bigserial PRIMARY KEY,
    job_id bigint NOT NULL REFERENCES procrastinate_jobs(id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    machine text NOT NULL,
    pid integer NOT NULL,
    started_at timestamp with time zone NOT NULL DEFAULT now(),
    finished_at timestamp with time zone,
    outcome text,
    message text,
    transcript_id integer
);
CREATE INDEX IF NOT EXISTS storyframe_queue_attempts_job_idx
    ON storyframe_queue_attempts (job_id, id);
"""


def ensure_queue_schema(conninfo: str) -> bool:
    """Create the queue's tables in the database ``conninfo`` names unless they exist;
    return whether they were created. :class:`ProjectError` when the server cannot be reached."""
    try:
        with psycopg.connect(conninfo, autocommit=False) as connection:
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            exists = connection.execute(
                "SELECT to_regclass('procrastinate_jobs') IS NOT NULL"
            ).fetchone()[0]
            if not exists:
                connection.execute(SchemaManager.get_schema())  # type: ignore[arg-type]
            connection.execute(ATTEMPTS_TABLE)  # type: ignore[arg-type]
            connection.commit()
    except psycopg.Error as error:
        raise ProjectError(
            f"cannot prepare the transcription queue: {_first_line(error)}"
        ) from error
    return not exists


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
