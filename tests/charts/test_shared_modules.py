"""Charts and the PDF printer are shared infrastructure: no feature package in their imports,
so reports, uptake statistics, QI and the diary can all use them without depending on one
another (issue 15)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pact_feedback"
SHARED = [*sorted((PACKAGE / "charts").glob("*.py")), PACKAGE / "printing.py"]
ALLOWED = ("pact_feedback.charts",)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


@pytest.mark.parametrize("path", SHARED, ids=lambda p: p.name)
def test_shared_module_imports_no_feature(path):
    ours = [name for name in _imports(path) if name.startswith("pact_feedback")]
    assert all(name.startswith(ALLOWED) for name in ours), ours


def test_no_feature_prints_or_charts_on_its_own():
    """One printer and one chart package: WeasyPrint and chart code live nowhere else."""
    for path in PACKAGE.rglob("*.py"):
        if path in SHARED:
            continue
        names = _imports(path)
        assert not [n for n in names if n.startswith("weasyprint")], path
        assert "pact_feedback.reports.charts" not in names, path
