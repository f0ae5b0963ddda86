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


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            modules[_module_name(path)] = path
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


def test_store_and_figures_share_the_model_not_each_other():
    graph = import_graph(project_modules())
    assert "loaders.model" in graph["loaders.store"]
    assert "loaders.model" in graph["loaders.figures"]
    assert "loaders.figures" not in graph["loaders.store"]
    assert "loaders.store" not in graph["loaders.figures"]


@pytest.mark.parametrize(
    "files",
    [
        {"a.py": "import b\n", "b.py": "def f():\n    import a\n"},  # inside a function
        {"a.py": "from pkg import c\n", "pkg/__init__.py": "", "pkg/c.py": "from a import x\n"},
        {"pkg/__init__.py": "", "pkg/c.py": "from . import d\n", "pkg/d.py": "from .c import y\n"},
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
