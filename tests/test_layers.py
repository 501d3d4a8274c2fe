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


# --- Migrations follow the same order -----------------------------------------------------------------


def migration_dependencies(app: str) -> list[tuple[str, str]]:
    """(migration file, app label it depends on) for every dependency of `app`'s migrations, read from the files."""
    found = []
    for path in sorted((ROOT / app / "migrations").glob("[0-9]*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "dependencies" for t in node.targets):
                for element in getattr(node.value, "elts", []):
                    label = element.elts[0].value if isinstance(element, ast.Tuple) else None
                    if isinstance(label, str):
                        found.append((path.name, label))
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_an_apps_migrations_depend_only_on_its_own_and_the_apps_below(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    ours = set(LAYERS)
    wrong = [f"{name} depends on {label}" for name, label in migration_dependencies(app) if label in ours - allowed]
    assert wrong == []


def test_the_migration_check_reads_dependencies():
    assert ("0009_phaseprinciple_copy.py", "principles") in migration_dependencies("collaboration")


# --- No circle of imports inside the project ----------------------------------------------------------


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """`imported_modules`, and for `from a import b` also `a.b`: the module b when a is a package."""
    found = imported_modules(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each product module and the project modules it imports (at module level or in a function)."""
    paths = [p for app in LAYERS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    modules = {module_name(p): p for p in paths}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in imported_names(path):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The circles of the graph (strongly connected parts with more than one module), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.append(member)
                if member == node:
                    break
            if len(part) > 1:
                cycles.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


# A package imports its own modules to offer them (models/__init__ gathers the models): not a circle of workflows.
PACKAGES_THAT_GATHER = {"collaboration.models", "portal.models", "principles.models"}


def test_no_module_imports_one_that_imports_it_back():
    graph = import_graph()
    for package in PACKAGES_THAT_GATHER:
        for name in graph:
            graph[name].discard(package) if name.startswith(package + ".") else None
    assert import_cycles(graph) == []


def test_the_graph_sees_a_module_imported_from_its_package():
    assert "collaboration.documents.pdf" in import_graph()["collaboration.documents.contents"]


def test_nothing_in_the_product_imports_the_tooling():
    """collaboration.devtools (demo data, seeding, benchmarks, load test) is installed only for development."""
    wrong = [
        f"{name} imports {target}"
        for name, targets in import_graph().items()
        if not name.startswith("collaboration.devtools")
        for target in targets
        if target.startswith("collaboration.devtools")
    ]
    assert wrong == []


def test_the_circle_check_finds_a_circle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


LONG_MODULE_LINES = 600


def test_a_long_module_says_why_it_is_long():
    """A module of the apps over LONG_MODULE_LINES lines names its reason ("Long because:") in its docstring.

    A long module usually holds several topics a newcomer would look for in separate places; the few that
    are one topic say so, so that the next reader does not split them again.
    """
    unexplained = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if text.count("\n") > LONG_MODULE_LINES and "Long because:" not in (
                ast.get_docstring(ast.parse(text)) or ""
            ):
                unexplained.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert unexplained == []
