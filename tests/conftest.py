"""Shared pytest fixtures: offscreen Qt, a guard that fails any network connection."""

from __future__ import annotations

import os
import socket

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def machine_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Settings the core reads itself (a server project's media folders) go to a temporary
    file, never the user's (``STORYFRAME_SETTINGS``, annotators.settings)."""
    folder = tmp_path_factory.getbasetemp() / "machine"
    monkeypatch.setenv("STORYFRAME_SETTINGS", str(folder / "settings.json"))


class NetworkAttempted(AssertionError):
    """Raised when code under test tries to open a network connection."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Fail on any outgoing socket connection or DNS lookup; return the attempts made.

    Unix-domain sockets stay allowed (Qt and multiprocessing use them locally).
    """
    attempts: list[tuple] = []
    real_connect = socket.socket.connect

    def guarded_connect(sock: socket.socket, address):  # type: ignore[no-untyped-def]
        if sock.family == socket.AF_UNIX:
            return real_connect(sock, address)
        attempts.append(("connect", address))
        raise NetworkAttempted(f"network connection attempted to {address!r}")

    def guarded_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append(("getaddrinfo", host))
        raise NetworkAttempted(f"DNS lookup attempted for {host!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(
        socket,
        "create_connection",
        lambda address, *a, **k: guarded_connect(socket.socket(), address),
    )
    return attempts


# --- both database backends -------------------------------------------------------------
# A test that takes the ``database`` fixture runs twice: on a SQLite project file (``None``)
# and on a fresh PostgreSQL database (its URL), copied from a migrated template in the
# session's throwaway cluster (tests/pg_cluster.py). ``-m "not postgresql"`` skips the latter.

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(scope="session")
def pg_cluster():  # type: ignore[no-untyped-def]
    """The session's PostgreSQL cluster, started on first use. Without a PostgreSQL server
    installed the tests that need it are skipped, or fail when STORYFRAME_REQUIRE_POSTGRES
    is set (``.ci/run`` sets it, so CI never passes without them)."""
    from tests.pg_cluster import start_cluster

    try:
        cluster = start_cluster()
    except RuntimeError as error:
        if os.environ.get("STORYFRAME_REQUIRE_POSTGRES"):
            pytest.fail(str(error))
        pytest.skip(str(error))
    yield cluster
    cluster.stop()


@pytest.fixture
def server_database(pg_cluster) -> str:  # type: ignore[no-untyped-def]
    """URL of a fresh PostgreSQL database at the current schema, emptied (or dropped) after
    the test for the next one."""
    name = pg_cluster.fresh_database()
    yield pg_cluster.url(name)
    pg_cluster.release(name)


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest) -> str | None:
    """``None`` (a SQLite project) or a fresh PostgreSQL database's URL: pass it as
    ``Project.create(path, database=database)``."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("server_database")
