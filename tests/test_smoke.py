"""`make run`'s server command, started for real on a free port."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.processes import fetch, manage, project_env, running_server

pytestmark = pytest.mark.processes


def test_the_real_server_serves_home_and_healthz(tmp_path: Path) -> None:
    env = project_env(tmp_path)
    manage("migrate", "--no-input", env=env)

    with running_server(env) as base:
        status, body = fetch(f"{base}/")
        assert status == 200
        assert b"<h1" in body
        status, body = fetch(f"{base}/healthz")
        assert status == 200
        assert json.loads(body)["checks"] == {"database": True, "task_queue": True}


def test_the_production_server_serves_healthz(tmp_path: Path) -> None:
    env = project_env(tmp_path)
    manage("migrate", "--no-input", env=env)

    with running_server(env, production=True) as base:
        status, body = fetch(f"{base}/healthz")

    assert status == 200
    assert json.loads(body)["status"] == "ok"


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # Nothing listens on port 9 (discard), so every connection attempt is refused.
    env = project_env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing")

    with running_server(env, production=True) as base:
        status, body = fetch(f"{base}/healthz")

    assert status == 503
    assert json.loads(body) == {
        "status": "unavailable",
        "checks": {"database": False, "task_queue": False},
    }


def test_seed_demo_is_idempotent_and_demo_code_prints_a_code(tmp_path: Path) -> None:
    env = project_env(tmp_path)
    manage("migrate", "--no-input", env=env)

    first = manage("seed_demo", env=env)
    second = manage("seed_demo", env=env)

    assert "7 account(s) created" in first.stdout
    assert "Case reviews demo: 4 invented case(s) opened" in first.stdout
    assert "Child death reviews demo: 7 invented review(s) opened" in first.stdout
    assert "Child death reviews demo: 0 invented review(s) opened" in second.stdout
    assert "0 account(s) created" in second.stdout
    assert "admin@demo.invalid" in second.stdout
    refused = manage("demo_code", "admin@demo.invalid", env=env, check=False)
    assert refused.returncode != 0
    assert "sign in with the password first" in refused.stderr


def test_demo_commands_refuse_outside_demo_mode(tmp_path: Path) -> None:
    env = project_env(tmp_path, DEMO_MODE="false")
    manage("migrate", "--no-input", env=env)

    for command in (["seed_demo"], ["demo_code", "admin@demo.invalid"]):
        result = manage(*command, env=env, check=False)
        assert result.returncode != 0
        assert "demo mode" in result.stderr
