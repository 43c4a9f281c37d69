"""`make audit-deps`: the locked versions are checked against the advisories the project keeps
(security/advisories.toml), with no network connection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.processes import ROOT

CHECK = ROOT / "security" / "check_dependencies.py"


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(CHECK), "--no-npm-audit", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def write_locks(tmp_path: Path, *, python: str, npm: dict[str, str] | None = None) -> list[str]:
    lock = tmp_path / "requirements.lock"
    lock.write_text(python)
    packages = {f"node_modules/{name}": {"version": v} for name, v in (npm or {}).items()}
    npm_lock = tmp_path / "package-lock.json"
    npm_lock.write_text(json.dumps({"packages": {"": {}, **packages}}))
    return ["--lock", str(lock), "--npm-lock", str(npm_lock)]


def test_the_projects_own_locks_are_not_affected_by_any_kept_advisory() -> None:
    result = check()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 affect a locked version" in result.stdout


def test_a_locked_version_inside_an_advisorys_range_fails_the_check(tmp_path: Path) -> None:
    lock = "Django==5.2.7 \\\n    --hash=sha256:00\nrequests==2.32.4\n"
    locks = write_locks(tmp_path, python=lock)

    result = check(*locks)

    assert result.returncode == 1
    assert "AFFECTED django 5.2.7: CVE-2025-64459" in result.stdout
    assert "requests" not in result.stdout.split("Dependencies:")[0]  # 2.32.4 has the fix


def test_an_npm_advisory_is_checked_against_the_npm_lock(tmp_path: Path) -> None:
    advisories = tmp_path / "advisories.toml"
    advisories.write_text(
        '[[advisory]]\nid = "GHSA-test"\necosystem = "npm"\npackage = "sass"\n'
        'affected = ["<1.100"]\nsummary = "An invented advisory for this test"\n'
    )
    locks = write_locks(tmp_path, python="django==5.2.19\n", npm={"sass": "1.99.0"})

    result = check(*locks, "--advisories", str(advisories))

    assert result.returncode == 1
    assert "AFFECTED sass 1.99.0: GHSA-test" in result.stdout


def test_a_malformed_advisories_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    advisories = tmp_path / "advisories.toml"
    advisories.write_text('[[advisory]]\nid = "CVE-1"\necosystem = "PyPI"\npackage = "django"\n')

    result = check("--advisories", str(advisories))

    assert result.returncode == 2
    assert "advisory 1 has no affected" in result.stderr


def test_a_missing_lock_is_refused_with_the_reason(tmp_path: Path) -> None:
    result = check("--lock", str(tmp_path / "nothing.lock"))

    assert result.returncode == 2
    assert "nothing.lock" in result.stderr
