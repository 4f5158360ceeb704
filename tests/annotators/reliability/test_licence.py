"""The GPL ``krippendorff`` package is a test-time cross-check only: nothing shipped imports it."""

import ast
from pathlib import Path

import annotators


def test_no_core_module_imports_krippendorff() -> None:
    root = Path(annotators.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] == "krippendorff"]
    assert offenders == []
