"""No import circle anywhere in the project, counting imports inside functions too.

Every project module is parsed (ast), each `import` / `from … import` anywhere in it becomes an
edge to the project module it names (a package's `__init__` counts: `import a.b` runs `a`), and
the graph must have no cycle. An import hidden inside a function is still a circle: it only moves
the failure from import time to the first call.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("loaders", "charts", "i18n", "ui", "bench")
SCRIPTS = ("dashboard.py", "serve.py")


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            modules[_module_name(path, root)] = path
    for script in SCRIPTS:
        if (root / script).exists():
            modules[script.removesuffix(".py")] = root / script
    return modules


def _targets(node: ast.AST, module: str, is_package: bool, modules: dict[str, Path]) -> set[str]:
    names: list[str] = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            anchor = module.split(".")
            if not is_package:
                anchor = anchor[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        names = [base] + [f"{base}.{alias.name}" for alias in node.names]
    found = set()
    for name in names:
        parts = name.split(".")
        # importing a.b.c runs a, a.b and a.b.c
        for i in range(1, len(parts) + 1):
            candidate = ".".join(parts[:i])
            if candidate in modules and candidate != module:
                found.add(candidate)
    return found


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges |= _targets(node, module, is_package, modules)
        # A module imports its own parent packages (their __init__ runs first); not an edge back.
        graph[module] = {e for e in edges if not module.startswith(e + ".")}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_no_import_cycle():
    modules = project_modules()
    assert "loaders.tables" in modules and "loaders.store" in modules
    cycle = find_cycle(import_graph(modules))
    assert cycle is None, "import circle: " + " → ".join(cycle)


def test_the_walk_of_another_tree_names_its_modules_from_that_tree(tmp_path):
    """project_modules(root) reads any checkout (e.g. an older one, to see a circle it had)."""
    (tmp_path / "loaders").mkdir()
    (tmp_path / "loaders" / "__init__.py").write_text("")
    (tmp_path / "loaders" / "store.py").write_text("def f():\n    from loaders.migrations import upgrade\n")
    (tmp_path / "loaders" / "migrations.py").write_text("def g():\n    from loaders.store import metadata\n")
    modules = project_modules(tmp_path)
    assert set(modules) == {"loaders", "loaders.store", "loaders.migrations"}
    assert find_cycle(import_graph(modules)) in (
        ["loaders.migrations", "loaders.store", "loaders.migrations"],
        ["loaders.store", "loaders.migrations", "loaders.store"],
    )


def test_store_and_figures_share_the_model_not_each_other():
    graph = import_graph(project_modules())

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    assert "loaders.model" in reachable("loaders.store")  # through loaders.storage's modules
    assert "loaders.model" in graph["loaders.figures"]
    assert "loaders.figures" not in graph["loaders.store"]
    assert not {m for m in graph["loaders.figures"] if m == "loaders.store" or m.startswith("loaders.storage")}


def test_the_store_parts_sit_below_the_store_and_its_migrations():
    """loaders/storage/ never imports the store (which re-exports it) nor the migrations (which the
    store runs); the migrations take what they need from the parts, at the top of the module."""
    modules = project_modules()
    graph = import_graph(modules)
    parts = [m for m in modules if m.startswith("loaders.storage.")]
    assert {"loaders.storage.schema", "loaders.storage.transactions", "loaders.storage.errors"} <= set(parts)
    for part in parts:
        assert not graph[part] & {"loaders.store", "loaders.migrations"}, part
    assert "loaders.store" not in graph["loaders.migrations"]
    assert "loaders.migrations" in graph["loaders.store"]
    assert {"loaders.storage.schema", "loaders.storage.transactions"} <= graph["loaders.migrations"]


def test_the_store_modules_stay_small():
    """Issue 13: no module of the store over ~800 lines."""
    modules = project_modules()
    for name, path in modules.items():
        if name == "loaders.store" or name.startswith("loaders.storage"):
            assert len(path.read_text(encoding="utf-8").splitlines()) <= 800, name


@pytest.mark.parametrize(
    "files",
    [
        {"a.py": "import b\n", "b.py": "def f():\n    import a\n"},  # inside a function
        {"a.py": "from pkg import c\n", "pkg/__init__.py": "", "pkg/c.py": "from a import x\n"},
        {"pkg/__init__.py": "", "pkg/c.py": "from . import d\n", "pkg/d.py": "from .c import y\n"},
        # the old store ↔ migrations circle: both imports inside functions, `from pkg.mod import name`
        {
            "store.py": "def _engine():\n    from migrations import upgrade\n",
            "migrations.py": "def upgrade():\n    from store import StoreError, metadata\n",
        },
    ],
)
def test_the_cycle_finder_finds_hidden_circles(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / "loaders" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "loaders" / "__init__.py").write_text("")
    modules = {}
    for path in sorted((tmp_path / "loaders").rglob("*.py")):
        parts = list(path.relative_to(tmp_path / "loaders").with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            modules[".".join(parts)] = path
    assert find_cycle(import_graph(modules)) is not None


def test_the_cycle_finder_accepts_a_tree(tmp_path):
    (tmp_path / "a.py").write_text("import b\nimport c\n")
    (tmp_path / "b.py").write_text("import c\n")
    (tmp_path / "c.py").write_text("import os\n")
    modules = {p.stem: p for p in tmp_path.glob("*.py")}
    assert find_cycle(import_graph(modules)) is None


def layer_violations(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(importer, imported) pairs where loaders/ imports charts/ or ui/: the layers above it.

    loaders/ reads, checks and stores (pure Python, no Streamlit, no plotly); charts/ draws what it
    gives and ui/ shows that. An import up the layers, even inside a function, ties the store and
    the command line to the chart code (and to what that imports)."""
    above = ("charts", "ui")
    return sorted(
        (module, target)
        for module, targets in graph.items()
        if module == "loaders" or module.startswith("loaders.")
        for target in targets
        if target in above or target.startswith(tuple(f"{layer}." for layer in above))
    )


def test_loaders_import_nothing_from_charts_or_ui():
    graph = import_graph(project_modules())
    assert "loaders.csvsafe" in graph["charts.downloads"]  # the one formula-neutralising function lives below the charts
    assert layer_violations(graph) == []


def test_the_layer_rule_sees_an_import_inside_a_function(tmp_path):
    (tmp_path / "loaders").mkdir()
    (tmp_path / "charts").mkdir()
    for package in ("loaders", "charts"):
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "charts" / "downloads.py").write_text("def to_csv_bytes(frame):\n    return b''\n")
    (tmp_path / "loaders" / "template.py").write_text("def template():\n    from charts.downloads import to_csv_bytes\n")
    violations = layer_violations(import_graph(project_modules(tmp_path)))
    assert ("loaders.template", "charts.downloads") in violations
