"""The import rules of the code base: one way between apps, only experts imports search.

Read statically from the source, so a rule broken in a module no test imports still fails.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "hub", "members", "discussions", "peer_learning", "network", "search", "experts")
# The project's composition root wires every app together (settings, URLs, websocket routes,
# the ASGI application); it may import anything and is not part of an app's dependencies.
COMPOSITION_ROOT = ("hub.settings", "hub.urls", "hub.routing", "hub.asgi")


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def cross_app_imports() -> dict[tuple[str, str], set[str]]:
    """(importing app, imported app) -> the imported modules, migrations and wiring left out."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            module = _module_name(path)
            if "migrations" in path.parts or module.startswith(COMPOSITION_ROOT):
                continue
            for imported in _imports(path):
                target = imported.split(".")[0]
                if target in APPS and target != app:
                    edges[(app, target)].add(f"{module} imports {imported}")
    return edges


def _cycle(edges: set[tuple[str, str]]) -> list[str] | None:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)

    def visit(node: str, path: list[str]) -> list[str] | None:
        for nxt in sorted(graph[node]):
            if nxt in path:
                return [*path[path.index(nxt) :], nxt]
            found = visit(nxt, [*path, nxt])
            if found:
                return found
        return None

    for start in sorted(graph):
        found = visit(start, [start])
        if found:
            return found
    return None


def test_there_are_no_cycles_between_apps() -> None:
    assert _cycle(set(cross_app_imports())) is None


def test_only_experts_imports_search_and_only_its_analysis_chain() -> None:
    """Routing matches questions in the index's own tokens; nothing else reaches search."""
    edges = cross_app_imports()
    strays = sorted(
        line
        for pair in edges
        if pair[1] == "search"
        for line in edges[pair]
        if pair[0] != "experts" or line.split(" imports ")[1].split(".")[1] != "analysis"
    )
    assert strays == []


def test_the_platform_layer_imports_no_app() -> None:
    edges = cross_app_imports()
    assert [sorted(edges[pair]) for pair in edges if pair[0] == "core"] == []


def test_search_asks_the_apps_through_their_models_and_selectors() -> None:
    """Who may read what is decided by the owning app's selectors; search never restates it."""
    allowed_parts = {"models", "selectors"}
    strays = sorted(
        line
        for (source, target), lines in cross_app_imports().items()
        if source == "search" and target != "core"
        for line in lines
        if line.split(" imports ")[1].split(".")[1] not in allowed_parts
    )
    assert strays == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({("a", "b"), ("b", "c"), ("c", "a")}) == ["a", "b", "c", "a"]
    assert _cycle({("a", "b"), ("b", "c")}) is None
