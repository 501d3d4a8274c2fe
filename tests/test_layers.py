"""The apps depend on each other one way only: portal ← principles ← collaboration.

`portal` is the project and the shared base (settings, User, drafts, request types);
`principles` the six principles; `collaboration` everything else. An import the
other way round (at module level or inside a function, migrations included) would
tie the base to what is built on it and lets import cycles grow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["portal", "principles", "collaboration"]  # each may import only those before it


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            found.add(node.args[0].value)  # type: ignore[attr-defined]
    return found


def _is_dynamic_import(node: ast.Call) -> bool:
    name = getattr(node.func, "attr", getattr(node.func, "id", ""))
    first = node.args[0] if node.args else None
    return name in {"import_module", "__import__"} and isinstance(first, ast.Constant) and isinstance(first.value, str)


def forbidden_imports(app: str) -> list[str]:
    later = LAYERS[LAYERS.index(app) + 1 :]
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in later:
                problems.append(f"{path.relative_to(ROOT)} imports {module}")
    return problems


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_an_app_imports_nothing_from_the_apps_built_on_it(app):
    assert forbidden_imports(app) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("def home(request):\n    from collaboration.models import Collaboration\n")
    assert "collaboration.models" in imported_modules(module)
