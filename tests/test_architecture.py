"""The floors hold: the import contracts are kept, no package imports in a loop, and imports
inside functions stay where the architecture allows them (docs/decisions/0003-floors.md)."""

import ast
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pact_feedback"

# Faces that load their parts lazily on purpose: the factory (blueprints, extensions and CLI
# groups, so `import pact_feedback` stays cheap), the command registry and the demo loader.
LAZY_IMPORTS_ALLOWED = {
    "pact_feedback/__init__.py",
    "pact_feedback/cli.py",
    "pact_feedback/demo.py",
}
# The factory and the schema list see every package by design; they are not a floor.
NOT_A_FLOOR = {"pact_feedback", "pact_feedback.models"}
# The one package on two floors: every write is audited, so the audit log's writer and table sit
# at the bottom, while its pages (which know people) sit with governance.
SPLIT_PACKAGES = {
    "pact_feedback.audit.views": "pact_feedback.audit.pages",
    "pact_feedback.audit.filters": "pact_feedback.audit.pages",
}


def _node(module: str) -> str:
    """The package a module belongs to, or its floor for the one split package."""
    for prefix, node in SPLIT_PACKAGES.items():
        if module == prefix or module.startswith(prefix + "."):
            return node
    return ".".join(module.split(".")[:2])


def test_import_contracts_are_kept():
    """pyproject.toml's [tool.importlinter] contracts: layers, pure modules (also run by
    `make test` as `lint-imports`, which prints the offending import chain)."""
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def _package_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("pact_feedback", cache_dir=None)
    edges: dict[str, set[str]] = {}
    for importer in graph.modules:
        source = _node(importer)
        if importer in NOT_A_FLOOR or source in NOT_A_FLOOR:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            target = _node(imported)
            if target != source and target not in NOT_A_FLOOR:
                edges.setdefault(source, set()).add(target)
    return edges


def _find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return [*path, node, nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, node])):
                return cycle
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node, [])):
            return cycle
    return None


def test_no_package_imports_in_a_loop():
    """Squashed to top-level packages, the import graph is acyclic."""
    assert _find_cycle(_package_graph()) is None, _find_cycle(_package_graph())


def test_cycle_finder_finds_a_loop():
    """The check above can fail: a planted a -> b -> a loop is reported."""
    assert _find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_imports_inside_functions_only_where_allowed():
    """An import of our own code inside a function hides a dependency (and often a loop): only
    the lazy faces listed above may do it."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name in LAZY_IMPORTS_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith(
                    "pact_feedback"
                ):
                    found.append(f"{name}:{inner.lineno} {inner.module}")
    assert found == []
