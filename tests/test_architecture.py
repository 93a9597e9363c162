"""The layering rules of docs/architecture.md, checked on the imports of every module."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sklearn_rnn"
MODULES = sorted(PACKAGE.rglob("*.py"))
ENGINE = {"_net.py", "_callbacks.py", "_skorch_overrides.py", "_training.py", "_persistence.py"}


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_layering(path):
    names = set(imported_modules(path))
    if path.name != "_compat.py":
        private = {name for name in names if name.startswith("sklearn") and "._" in name}
        assert not private, f"private scikit-learn imports outside _compat.py: {private}"
    if path.name not in ENGINE:
        assert not {name for name in names if name.split(".")[0] == "skorch"}
    if path.name == "_modules.py":  # torch (and the standard library) only
        assert not {name.split(".")[0] for name in names} & {"numpy", "pandas", "sklearn"}


def test_the_architecture_page_lists_every_module():
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text()
    for path in PACKAGE.glob("*.py"):
        assert f"`{path.name}`" in page, path.name
