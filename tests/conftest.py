"""Shared pytest fixtures: offscreen Qt, a guard that fails any network connection."""

from __future__ import annotations

import os
import socket

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
