"""Project database: SQLModel models, engine/session handling and Alembic migrations.

- :mod:`.models` is the schema (the single source of truth);
- :mod:`.engine` opens a project file (WAL, foreign keys on, busy timeout);
- :mod:`.migrate` checks and upgrades a file's schema version (Alembic, run from code);
- ``migrations/versions`` holds the revisions. Until the first release, revision ``0001`` is
  regenerated whenever ``models.py`` changes: ``python -m annotators.store.autogen``.
  After a release, add a new revision instead (``alembic revision --autogenerate`` with the
  script location ``annotators/store/migrations``).
"""
