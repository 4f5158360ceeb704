"""Fixtures shared by the core tests that run on both backends (see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest


@pytest.fixture
def new_database(
    request: pytest.FixtureRequest, database: str | None
) -> Iterator[Callable[[], str | None]]:
    """A function giving one more database of the test's backend (``None`` for SQLite), for
    tests that need a second project beside the first (imports, merges, round trips)."""
    made: list[str] = []

    def make() -> str | None:
        if database is None:
            return None
        cluster = request.getfixturevalue("pg_cluster")
        made.append(cluster.fresh_database())
        return cluster.url(made[-1])

    yield make
    if made:
        cluster = request.getfixturevalue("pg_cluster")
        for name in made:
            cluster.release(name)
