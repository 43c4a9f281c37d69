"""Services that views and jobs call are the top of their transaction: each opens a
*durable* one (``transaction.atomic(durable=True)``), so it commits when it returns, and its
side effects (emails, tasks, on ``transaction.on_commit``) go then. Called by mistake inside
another transaction, it raises ``RuntimeError`` at once, instead of its work being rolled
back later with the emails already promised.

The first test reads the source: every function a view, job or task module imports from the
project (or calls through an imported module) that opens a transaction itself opens a
durable one. The others show what durable means, with and without the test's transaction.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
from django.db import transaction

from safeguarding.public.models import Enquiry
from safeguarding.public.services import enquiry_submit

ROOT = Path(__file__).resolve().parent.parent / "safeguarding"
ENTRY_MODULES = ("views", "jobs.py", "tasks.py")
# Helpers that views also call, which run inside their caller's transaction by design.
INSIDE_THE_CALLERS_TRANSACTION = {
    ("safeguarding.audit.services", "audit_log"),  # the last step of each service
    ("safeguarding.core.tasks", "enqueue_in_transaction"),  # joins the caller's
}


def _module_file(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    return Path(spec.origin) if spec and spec.origin else None


def _is_atomic(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return isinstance(target, ast.Attribute) and target.attr == "atomic"


def _is_durable(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and any(
        keyword.arg == "durable"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is True
        for keyword in node.keywords
    )


def _outer_transactions(function: ast.FunctionDef) -> list[ast.expr]:
    """The decorator or the outermost ``with transaction.atomic(...)`` blocks of a function
    (not those nested in another, which are savepoints, nor those of inner functions)."""
    found = [decorator for decorator in function.decorator_list if _is_atomic(decorator)]
    if found:
        return found

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.With):
                atomic = [
                    item.context_expr for item in child.items if _is_atomic(item.context_expr)
                ]
                if atomic:
                    found.extend(atomic)
                    continue
            visit(child)

    visit(function)
    return found


def _entry_points() -> dict[tuple[str, str], Path]:
    """(module, function) for every project function a view, job or task module calls."""
    wanted: dict[tuple[str, str], Path] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if not path.name.startswith(ENTRY_MODULES[0]) and path.name not in ENTRY_MODULES[1:]:
            continue
        tree = ast.parse(path.read_text())
        modules: dict[str, str] = {}  # local name -> module, for `from x import services`
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("safeguarding"):
                for alias in node.names:
                    local = alias.asname or alias.name
                    submodule = f"{node.module}.{alias.name}"
                    if importlib.util.find_spec(node.module) and _is_module(submodule):
                        modules[local] = submodule
                    else:
                        wanted[(node.module or "", alias.name)] = path
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                wanted[(modules[node.value.id], node.attr)] = path
    return wanted


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def test_every_service_a_view_or_job_calls_opens_a_durable_transaction() -> None:
    trees: dict[str, ast.Module] = {}
    checked = 0
    not_durable = []
    for (module, name), caller in sorted(_entry_points().items()):
        if (module, name) in INSIDE_THE_CALLERS_TRANSACTION:
            continue
        source = _module_file(module)
        if source is None or source.suffix != ".py":
            continue
        tree = trees.setdefault(module, ast.parse(source.read_text()))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                transactions = _outer_transactions(node)
                if transactions:
                    checked += 1
                    if not all(_is_durable(opened) for opened in transactions):
                        not_durable.append(f"{module}.{name} (called from {caller.name})")
    assert checked > 60, f"only {checked} services found: is the source walk broken?"
    assert not_durable == []


@pytest.mark.django_db
def test_a_top_level_service_refuses_to_run_inside_another_transaction() -> None:
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        enquiry_submit(kind="general", name="Invented", email="a@example.com", message="Hello")
    assert not Enquiry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_outside_the_tests_transaction_a_top_level_service_commits_when_it_returns() -> None:
    enquiry_submit(kind="general", name="Invented", email="a@example.com", message="Hello")

    assert not transaction.get_connection().in_atomic_block
    assert Enquiry.objects.count() == 1
