"""The core package must never import Qt: it has to run in notebooks, the CLI and on servers."""

import ast
import subprocess
import sys
from pathlib import Path

import annotators

QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "qtpy", "shiboken6")


def test_no_qt_import_statement_in_core() -> None:
    root = Path(annotators.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in QT_MODULES]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, annotators\n"
        "for m in pkgutil.walk_packages(annotators.__path__, 'annotators.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
