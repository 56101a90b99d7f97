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


# Who may commit the session directly rather than through `core.transaction.commit()` (which
# only flushes inside `atomic()`, so actions combine), and why: the boundaries that own a
# transaction, and bookkeeping that must be durable as it happens whoever calls it.
DIRECT_COMMITS_ALLOWED = {
    "pact_feedback/core/transaction.py": "the one place a transaction ends",
    "pact_feedback/cli.py": "a command is a boundary",
    "pact_feedback/jobs/cli.py": "a command is a boundary",
    "pact_feedback/governance/cli.py": "a command is a boundary",
    "pact_feedback/demo.py": "the demo loader is a command",
    "pact_feedback/casebook/demo.py": "the demo loader is a command",
    "pact_feedback/diary/demo.py": "the demo loader is a command",
    "pact_feedback/qi/demo.py": "the demo loader is a command",
    "pact_feedback/reports/demo.py": "the demo loader is a command",
    "pact_feedback/surveys/demo.py": "the demo loader is a command",
    "pact_feedback/jobs/runner.py": "a job's progress must be durable step by step",
    "pact_feedback/jobs/queue.py": "a job's row is committed before RQ can pick it up",
    "pact_feedback/jobs/mailing.py": "an email's sent mark keeps a re-run from resending it",
    "pact_feedback/accounts/sessions.py": "the session's own bookkeeping, in a request hook",
    "pact_feedback/api/auth.py": "the token's last use, in a request hook",
    "pact_feedback/accounts/views.py": "sign-in after an accepted invitation: the request's end",
}


def _direct_commits(path: Path) -> list[int]:
    """Lines of `db.session.commit()` calls in a module."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "db.session.commit"
    ]


def test_actions_end_through_the_transaction_helper():
    """An action that commits the session itself cannot join a caller's `atomic()` block (its
    half of the work would stay committed when the rest fails): only the boundaries listed
    above commit directly."""
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if str(path.relative_to(ROOT)) not in DIRECT_COMMITS_ALLOWED
        for line in _direct_commits(path)
    ]
    assert found == [], "use core.transaction.commit() (or add the boundary, with its reason)"
    stale = [name for name in DIRECT_COMMITS_ALLOWED if not _direct_commits(ROOT / name)]
    assert stale == [], "these no longer commit directly: take them off the list"


def test_the_direct_commit_finder_finds_one(tmp_path):
    """The check above can fail: a planted direct commit is found, the helper's is not."""
    planted = tmp_path / "action.py"
    planted.write_text("def act():\n    record()\n    db.session.commit()\n    commit()\n")
    assert _direct_commits(planted) == [3]
