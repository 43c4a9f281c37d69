"""Check the locked dependency versions against known advisories, offline.

    python security/check_dependencies.py [--lock FILE] [--npm-lock FILE]
        [--advisories FILE] [--npm-audit / --no-npm-audit]

Reads every pinned version in the Python lock (``name==version``) and the npm lock
(``package-lock.json``), and reports each advisory in ``security/advisories.toml`` whose
affected ranges contain a locked version. With ``--npm-audit`` it also asks the npm
registry's advisory service (``npm audit``) when it answers, and says so when it does not.

Exit status: 0 when no locked version is affected, 1 when one is, 2 when a file can't be read.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


class UnreadableInput(Exception):
    """A lock or the advisories file is missing or malformed."""


@dataclass(frozen=True)
class Advisory:
    id: str
    ecosystem: str
    package: str
    affected: tuple[SpecifierSet, ...]
    summary: str

    def affects(self, version: str) -> bool:
        try:
            parsed = Version(version)
        except InvalidVersion:
            return True  # a version we cannot compare is reported rather than passed
        return any(parsed in spec for spec in self.affected)


@dataclass(frozen=True)
class Finding:
    advisory: Advisory
    version: str


def python_pins(lock: Path) -> dict[str, str]:
    try:
        text = lock.read_text(encoding="utf-8")
    except OSError as error:
        raise UnreadableInput(f"{lock}: {error.strerror}") from error
    pins = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    if not pins:
        raise UnreadableInput(f"{lock}: no pinned versions (name==version) found")
    return pins


def npm_pins(lock: Path) -> dict[str, str]:
    try:
        data = json.loads(lock.read_text(encoding="utf-8"))
    except OSError as error:
        raise UnreadableInput(f"{lock}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise UnreadableInput(f"{lock}: not valid JSON ({error.msg})") from error
    pins = {}
    for path, package in data.get("packages", {}).items():
        if path and "version" in package:
            pins[path.rpartition("node_modules/")[2]] = package["version"]
    return pins


def load_advisories(source: Path) -> list[Advisory]:
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise UnreadableInput(f"{source}: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise UnreadableInput(f"{source}: not valid TOML ({error})") from error
    advisories = []
    for number, entry in enumerate(data.get("advisory", []), start=1):
        try:
            ecosystem = entry["ecosystem"]
            if ecosystem not in {"PyPI", "npm"}:
                raise UnreadableInput(f"{source}: advisory {number}: ecosystem must be PyPI or npm")
            package = entry["package"]
            advisories.append(
                Advisory(
                    id=entry["id"],
                    ecosystem=ecosystem,
                    package=canonicalize_name(package) if ecosystem == "PyPI" else package,
                    affected=tuple(SpecifierSet(spec) for spec in entry["affected"]),
                    summary=entry.get("summary", ""),
                )
            )
        except KeyError as error:
            raise UnreadableInput(f"{source}: advisory {number} has no {error.args[0]}") from error
        except InvalidSpecifier as error:
            raise UnreadableInput(f"{source}: advisory {number}: {error}") from error
    return advisories


def findings(
    advisories: list[Advisory], *, python: dict[str, str], npm: dict[str, str]
) -> list[Finding]:
    locked = {"PyPI": python, "npm": npm}
    found = []
    for advisory in advisories:
        version = locked[advisory.ecosystem].get(advisory.package)
        if version is not None and advisory.affects(version):
            found.append(Finding(advisory, version))
    return found


def npm_audit(directory: Path) -> tuple[str, bool]:
    """What the npm registry's advisory service says of the npm lock, in one line, and whether
    it found a high or critical vulnerability. When it does not answer, says so and passes."""
    npm = shutil.which("npm")
    if npm is None:
        return "npm audit: npm is not installed; checked against the kept advisories only", False
    try:
        result = subprocess.run(  # noqa: S603
            [npm, "audit", "--json"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        report = json.loads(result.stdout or "{}")
    except (subprocess.TimeoutExpired, json.JSONDecodeError):
        report = {}
    counts = report.get("metadata", {}).get("vulnerabilities")
    if counts is None:
        return (
            "npm audit: the advisory service did not answer; "
            "checked against the kept advisories only",
            False,
        )
    serious = counts.get("high", 0) + counts.get("critical", 0)
    line = (
        f"npm audit: {counts.get('total', 0)} known vulnerabilities in the npm lock "
        f"({serious} high or critical)"
    )
    return line, serious > 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--npm-lock", type=Path, default=ROOT / "package-lock.json")
    parser.add_argument("--advisories", type=Path, default=ROOT / "security" / "advisories.toml")
    parser.add_argument("--npm-audit", action=argparse.BooleanOptionalAction, default=False)
    options = parser.parse_args(argv)
    try:
        advisories = load_advisories(options.advisories)
        python, npm = python_pins(options.lock), npm_pins(options.npm_lock)
    except UnreadableInput as error:
        print(f"Cannot check the dependencies: {error}", file=sys.stderr)
        return 2
    found = findings(advisories, python=python, npm=npm)
    for finding in found:
        advisory = finding.advisory
        print(
            f"AFFECTED {advisory.package} {finding.version}: {advisory.id} {advisory.summary} "
            f"(affected: {' or '.join(str(spec) for spec in advisory.affected)})"
        )
    print(
        f"Dependencies: {len(python)} Python and {len(npm)} npm packages locked, checked "
        f"against {len(advisories)} kept advisories: {len(found)} affect a locked version."
    )
    serious = False
    if options.npm_audit:
        line, serious = npm_audit(options.npm_lock.parent)
        print(line)
    return 1 if found or serious else 0


if __name__ == "__main__":
    sys.exit(main())
