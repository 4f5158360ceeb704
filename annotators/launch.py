"""Start the desktop app without importing Qt at module import time (keeps the core Qt-free).

Before Qt is loaded, :func:`missing_platform_packages` checks that the system libraries Qt's
X11 (``xcb``) platform plugin links against are installed. Without them Qt prints "could not
load the Qt platform plugin" and aborts with a core dump; Storyframe instead names the
packages and prints the exact ``apt-get install`` line, then exits with status 1.

The one list of packages is ``resources/system/debian-packages.txt`` (also read by the README
test and ``.ci/run``).
"""

from __future__ import annotations

import ctypes
import importlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from annotators.errors import StoryframeError

PACKAGES_FILE = Path(__file__).resolve().parent.parent / "resources/system/debian-packages.txt"


class PlatformError(StoryframeError):
    """The desktop cannot start on this machine (missing system libraries, no display)."""


@dataclass(frozen=True)
class SystemPackage:
    """A Debian/Ubuntu package and the shared libraries (sonames) of it that Qt loads."""

    name: str
    sonames: tuple[str, ...]


def system_packages(path: Path | None = None) -> list[SystemPackage]:
    """The packages listed in ``path`` (default :data:`PACKAGES_FILE`), in file order."""
    text = (path or PACKAGES_FILE).read_text(encoding="utf-8")
    packages = []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            packages.append(SystemPackage(fields[0], tuple(fields[1:])))
    return packages


def _loads(soname: str) -> bool:
    """True when the dynamic linker finds and loads ``soname`` (as Qt will)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(env: Mapping[str, str]) -> bool:
    """Whether Qt will load its X11 platform plugin in environment ``env`` (on Linux)."""
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        # "xcb" or a fallback list such as "wayland;xcb"
        return "xcb" in platform.split(";")
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_platform_packages(
    packages: list[SystemPackage] | None = None,
) -> list[tuple[SystemPackage, list[str]]]:
    """Each package with a library that cannot be loaded, with those libraries' sonames."""
    missing = []
    for package in packages if packages is not None else system_packages():
        absent = [soname for soname in package.sonames if not _loads(soname)]
        if absent:
            missing.append((package, absent))
    return missing


def check_platform(
    env: Mapping[str, str] | None = None, packages: list[SystemPackage] | None = None
) -> None:
    """Raise :class:`PlatformError` (what to install) when Qt's xcb plugin would abort."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return
    if not any(env.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")):
        raise PlatformError(
            "no display to show the window on (DISPLAY is not set): start Storyframe from a "
            "desktop session, or under a virtual one with `xvfb-run storyframe`"
        )
    if not uses_xcb(env):
        return
    missing = missing_platform_packages(packages)
    if not missing:
        return
    libraries = ", ".join(soname for _package, sonames in missing for soname in sonames)
    names = " ".join(package.name for package, _sonames in missing)
    raise PlatformError(
        f"Qt's X11 platform plugin (xcb) needs system libraries that are not installed "
        f"({libraries}). Install them with:\n  sudo apt-get install {names}"
    )


def launch_desktop(project: str | None = None) -> int:
    """Run the PySide6 application (on ``project``, default the last one) and return its
    exit code (1 when it cannot start)."""
    try:
        check_platform()
    except PlatformError as error:
        print(f"storyframe: {error}", file=sys.stderr)
        return 1
    desktop_app = importlib.import_module("desktop.app")
    return desktop_app.run(project=project)
