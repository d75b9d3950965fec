"""The package's import graph, read from the source: no circles, and the layers keep their
direction (docs/architecture.md).

Every ``import`` and ``from ... import`` statement counts wherever it stands: at module
level, inside a function, or under ``if TYPE_CHECKING:`` (a type-only import is still a
dependency a reader follows, and so does mypy). Importing a submodule also runs its
packages' ``__init__.py`` first; those implicit edges are not counted, only the
statements written. Alembic loads ``db/migrations`` by path, so it is left out.
"""
from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "counteroffer"
ROOT = "counteroffer"

Graph = dict[str, set[str]]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _sources() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))
            if "migrations" not in path.parts}


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _nearest_module(name: str) -> str:
    """``a.b.c`` names a module, or something in the nearest module above it."""
    modules = _sources()
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _imported(module: str, path: Path) -> set[str]:
    """Every name this module's import statements bring in (absolute, resolved)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, path, node)
            # ``from pkg import sub`` imports the submodule ``pkg.sub`` when there is one.
            names.update(f"{base}.{a.name}" if f"{base}.{a.name}" in _sources() else base
                         for a in node.names)
    return names


@cache
def _all_imports() -> dict[str, set[str]]:
    return {module: _imported(module, path) for module, path in _sources().items()}


@cache
def import_graph() -> Graph:
    """Module -> the modules of the package it imports."""
    return {module: {_nearest_module(name) for name in names if _in(name, ROOT)} - {module}
            for module, names in _all_imports().items()}


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def import_cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            nxt = next(edges, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def _edges_into(part: str) -> set[tuple[str, str]]:
    return {(source, target) for source, targets in import_graph().items() for target in targets
            if _in(target, part) and not _in(source, part)}


def test_the_graph_sees_every_kind_of_import_statement() -> None:
    graph = import_graph()
    assert "counteroffer.negotiation.shared.deps" in graph["counteroffer.negotiation.buying.requests"]
    # A function-level import (the extension mounts its blueprints in init_app) counts.
    assert "counteroffer.plugin.wiring.web" in graph["counteroffer.plugin.wiring.extension"]
    # ``from package import submodule`` is an edge to the submodule.
    assert "counteroffer.negotiation.pricing.rulesets" in graph["counteroffer.plugin.pricing.rules_api"]


def test_cycles_are_found_in_a_graph_that_has_them() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": {"e"}}
    assert import_cycles(graph) == [["a", "b", "c"], ["e", "e2"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_the_package_imports_itself_in_a_circle() -> None:
    cycles = import_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(cycle) for cycle in cycles)


def test_the_rules_engine_imports_only_itself_and_the_standard_library() -> None:
    for module, names in _all_imports().items():
        if not _in(module, "counteroffer.rules"):
            continue
        for name in names:
            top = name.split(".")[0]
            assert _in(name, "counteroffer.rules") or (top in sys.stdlib_module_names and top != ROOT), \
                f"{module} imports {name}"


def test_nothing_imports_the_web_or_the_demo_but_the_wiring_that_registers_them() -> None:
    allowed = {
        ("counteroffer", "counteroffer.plugin"),  # the public API: ``from counteroffer import Counteroffer``
        ("counteroffer.plugin.wiring.web", "counteroffer.admin"),  # mounts the back office
    }
    for part in ("counteroffer.plugin", "counteroffer.admin", "counteroffer.demo"):
        assert _edges_into(part) <= allowed, f"imports of {part}: {sorted(_edges_into(part) - allowed)}"


def test_the_demo_shop_uses_only_the_public_api() -> None:
    for module, targets in import_graph().items():
        if _in(module, "counteroffer.demo"):
            assert all(t == ROOT or _in(t, "counteroffer.demo") for t in targets), (module, targets)


def test_the_layers_below_the_web_import_nothing_above_them_and_no_flask() -> None:
    above = ("counteroffer.negotiation", "counteroffer.plugin", "counteroffer.admin",
             "counteroffer.access", "counteroffer.demo")
    below = ("counteroffer.rules", "counteroffer.db", "counteroffer.jobs", "counteroffer.adapters")
    for module, names in _all_imports().items():
        if any(_in(module, part) for part in below):
            wrong = {n for n in names if any(_in(n, part) for part in above) or _in(n, "flask")}
            assert not wrong, f"{module} imports {sorted(wrong)}"
    for module, names in _all_imports().items():
        if _in(module, "counteroffer.negotiation"):
            wrong = {n for n in names if any(_in(n, part) for part in above[1:]) or _in(n, "flask")}
            assert not wrong, f"{module} imports {sorted(wrong)}"
