"""A fresh machine: the system packages are listed once, checked at start-up, and installed by CI.

``resources/system/debian-packages.txt`` is the one list: the README shows it, ``.ci/run``
installs it and ``storyframe`` checks it before Qt is loaded, so a missing library ends in the
``apt-get install`` line instead of Qt's core dump.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotators.launch import PACKAGES_FILE, check_platform, system_packages, uses_xcb

ROOT = Path(__file__).resolve().parents[2]
QT = Path(__import__("PySide6").__file__).parent / "Qt"
# libraries Qt links that come with every Debian/Ubuntu system (essential or required packages)
XCB_BINARIES = (
    "plugins/platforms/libqxcb.so",
    "lib/libQt6XcbQpa.so.6",
    "lib/libQt6Gui.so.6",
    "lib/libQt6Widgets.so.6",
    "lib/libQt6Multimedia.so.6",
)
BASE = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1", "libzstd.so.1"}


def test_readme_lists_exactly_the_packages_the_check_and_ci_use() -> None:
    names = [package.name for package in system_packages()]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"sudo apt-get install {' '.join(names)}\n" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert str(PACKAGES_FILE.relative_to(ROOT)) in ci
    assert "xvfb-run" in (ROOT / "Makefile").read_text() and "make smoke" in ci


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs readelf (binutils)")
def test_the_list_covers_every_system_library_the_xcb_plugin_links() -> None:
    linked: set[str] = set()
    for binary in XCB_BINARIES:
        dynamic = subprocess.run(
            ["readelf", "-d", str(QT / binary)], capture_output=True, text=True, check=True
        ).stdout
        linked |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic))
    bundled = {name for name in linked if (QT / "lib" / name).exists()}
    listed = {soname for package in system_packages() for soname in package.sonames}
    system = {name for name in linked - bundled - BASE if not name.startswith("ld-linux")}
    assert system and system <= listed, sorted(system - listed)


def test_every_listed_library_loads_on_this_machine() -> None:
    check_platform({"DISPLAY": ":0"})  # raises PlatformError naming what is missing


def test_the_check_only_runs_for_the_x11_plugin() -> None:
    assert uses_xcb({"DISPLAY": ":0"}) and uses_xcb({"QT_QPA_PLATFORM": "wayland;xcb"})
    assert not uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert not uses_xcb({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"})


def _storyframe_with_list(listing: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``storyframe`` (no arguments: the desktop app) with its check reading ``listing``."""
    code = (
        "import sys; from pathlib import Path; import annotators.launch as launch; "
        f"launch.PACKAGES_FILE = Path({str(listing)!r}); from annotators.cli import main; "
        "main([]); print('PySide6' in sys.modules)"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60)  # fmt: skip


def test_a_missing_library_prints_the_apt_get_line_and_exits_1(tmp_path: Path) -> None:
    listing = tmp_path / "packages.txt"
    listing.write_text(
        PACKAGES_FILE.read_text(encoding="utf-8")
        + "libstoryframe-gone0  libstoryframe-gone.so.0\nlibxcb-nope1 libxcb-nope.so.1\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    result = _storyframe_with_list(listing, {**env, "DISPLAY": ":97"})
    assert result.returncode == 1, result.stderr
    assert "sudo apt-get install libstoryframe-gone0 libxcb-nope1\n" in result.stderr
    assert "libstoryframe-gone.so.0, libxcb-nope.so.1" in result.stderr
    assert "Traceback" not in result.stderr and "core dumped" not in result.stderr
    assert result.stdout == ""  # it stopped before Qt was imported or a window was made


def test_no_display_is_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}  # fmt: skip
    result = _storyframe_with_list(PACKAGES_FILE, env)
    assert result.returncode == 1
    assert "no display" in result.stderr and "xvfb-run" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (package xvfb)")
def test_the_real_window_starts_on_the_xcb_plugin_under_xvfb() -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, "-m", "desktop.smoke",
         str(ROOT / "tests" / "data" / "speech.mp4")],
        capture_output=True, text=True, env=env, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "smoke: ok (xcb, screen 1366x768" in result.stdout
