"""The benchmark scripts run as ``python bench/NAME.py``, which puts ``bench/`` first on the
import path: a script named like an installed package hides that package from every other
script. (``bench/public.py`` once hid the ``public`` package aiosmtpd needs, so the newsletter
benchmark could not start.)"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted(path.stem for path in BENCH.glob("*.py") if path.stem != "__init__")


@pytest.mark.parametrize("name", SCRIPTS)
def test_no_benchmark_script_hides_an_installed_module(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    others = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]
    monkeypatch.setattr(sys, "path", others)
    monkeypatch.delitem(sys.modules, name, raising=False)

    assert importlib.util.find_spec(name) is None, (
        f"bench/{name}.py has the name of an installed module; rename it"
    )
