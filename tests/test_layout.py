"""The layering promises of docs/architecture.md that a reader can check by eye, checked."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VIEW_MODULES = sorted((ROOT / "portal").glob("*/views.py")) + [ROOT / "portal" / "auth.py"]
# What building or running a query looks like, whatever the session is called.
QUERY_CALLS = {"execute", "scalars", "scalar", "scalar_one", "query", "select", "get"}


def _query_calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "select":
                found.append(f"select() at line {node.lineno}")
            elif isinstance(func, ast.Attribute) and func.attr in QUERY_CALLS:
                owner = func.value
                # session.get / db.session.execute / Model.query: a database handle.
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if name in {"session", "db"} and not (
                    func.attr == "get" and isinstance(owner, ast.Name)
                ):
                    found.append(f"{name}.{func.attr}() at line {node.lineno}")
    return found


@pytest.mark.parametrize("module", VIEW_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_view_module_imports_sqlalchemy_or_runs_a_query(module):
    tree = ast.parse(module.read_text(), str(module))
    imports = [
        alias.name if isinstance(node, ast.Import) else node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for name in imports if name and name.startswith("sqlalchemy")]
    assert _query_calls(tree) == []
