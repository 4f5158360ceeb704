"""Choosing the backend of a test that takes the ``database`` fixture (tests/conftest.py).

A heavy property-based test runs its full number of examples on SQLite and a few on
PostgreSQL: decorate one copy with :data:`ON_SQLITE`, the other with :data:`ON_SERVER`.
"""

from __future__ import annotations

import pytest

ON_SQLITE = pytest.mark.parametrize("database", ["sqlite"], indirect=True)
ON_SERVER = pytest.mark.parametrize(
    "database", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True
)
