"""The ML wing is one package with no import cycle: evaluation reads training, training never
reads evaluation, and only the commands and the per-source evaluation read both (every import
counts, also those inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

import scorer.ml

PACKAGE = Path(scorer.ml.__file__).parent


def _imports(path: Path) -> set[str]:
    """The scorer.ml modules a module imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "scorer.ml":
                found |= {f"scorer.ml.{alias.name}" for alias in node.names}
            elif node.module.startswith("scorer.ml."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("scorer.ml.")}
    return found


def _graph() -> dict[str, set[str]]:
    return {
        f"scorer.ml.{path.stem}": _imports(path)
        for path in PACKAGE.glob("*.py")
        if path.stem != "__init__"
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        if state.get(node) == 1:
            return [*trail[trail.index(node) :], node]
        if state.get(node) == 2:
            return None
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            found = visit(nxt, [*trail, node])
            if found:
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        found = visit(start, [])
        if found:
            return found
    return None


def test_the_ml_package_has_no_import_cycle():
    graph = _graph()
    assert {"scorer.ml.train", "scorer.ml.evaluate", "scorer.ml.commands"} <= set(graph)
    assert _cycle(graph) is None, _cycle(graph)
    assert "scorer.ml.evaluate" not in graph["scorer.ml.train"]
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]  # the search finds one


def test_nothing_outside_the_commands_reaches_training():
    """The engine reads the model only (scorer.ml.classifier); training and evaluation are
    reached through `spamscore train` / `spamscore eval`."""
    root = PACKAGE.parent
    for path in root.rglob("*.py"):
        if PACKAGE in path.parents:
            continue
        reached = _imports(path) & {"scorer.ml.train", "scorer.ml.evaluate", "scorer.ml.commands"}
        assert not reached, (path, reached)
