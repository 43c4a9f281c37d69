"""The structure the layers contract (pyproject.toml, `make lint`) does not cover: no two
modules of the project import each other, directly or round a loop, even inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

import safeguarding


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_module_imports_round_a_loop() -> None:
    graph = grimp.build_graph("safeguarding", exclude_type_checking_imports=True)

    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_loop() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.one", "a.two", "a.three"):
        graph.add_module(module)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.three")
    graph.add_import(importer="a.three", imported="a.one")

    assert _cycles(graph) == [["a.one", "a.three", "a.two"]]


def test_every_periodic_job_lives_in_its_apps_jobs_module() -> None:
    """Jobs are found at start-up by their module name (``core.apps``): a ``@daily`` job
    defined anywhere else would run only in processes that happened to import its module."""
    from safeguarding.core.scheduler import registered_jobs

    jobs = registered_jobs()
    assert {job.name for job in jobs} >= {
        "audit.anchor_head",
        "audit.forget_addresses",
        "newsletter.start_or_resume_campaigns",
        "privacy.prune_unconfirmed_requests",
        "privacy.retention_sweep",
        "training.reminders",
        "workspaces.seal_read_log",
    }
    misplaced = {
        job.name: job.task.func.__module__
        for job in jobs
        if not job.task.func.__module__.endswith(".jobs")
    }
    assert misplaced == {}


def _imports_inside_functions(source: str) -> list[str]:
    """The project's own modules imported inside a function body (not at module level, not
    under ``if TYPE_CHECKING:``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith(
                "safeguarding"
            ):
                found.append(f"{inner.module} (line {inner.lineno})")
            elif isinstance(inner, ast.Import):
                found += [
                    f"{alias.name} (line {inner.lineno})"
                    for alias in inner.names
                    if alias.name.startswith("safeguarding")
                ]
    return found


def test_no_module_hides_an_import_of_the_project_inside_a_function() -> None:
    """An import inside a function hides a dependency from the layers contract's reader and
    usually a cycle. Only an AppConfig.ready() imports modules that register themselves."""
    root = Path(safeguarding.__file__).parent
    hidden = {
        str(path.relative_to(root)): imports
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts and path.name != "apps.py"
        if (imports := _imports_inside_functions(path.read_text()))
    }

    assert hidden == {}


def test_the_hidden_import_finder_finds_one() -> None:
    source = "def f():\n    from safeguarding.core import links\n    import os\n"

    assert _imports_inside_functions(source) == ["safeguarding.core (line 2)"]
