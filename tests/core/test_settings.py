"""Settings fail loudly on bad values, and production refuses to start without secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import manage, project_env

pytestmark = pytest.mark.processes

PRODUCTION = {
    "DEPLOYMENT": "production",
    "SECRET_KEY": "k" * 20 + "an-invented-but-long-enough-secret-for-tests-0123456789",
    "ALLOWED_HOSTS": "safeguarding.example.org",
    "SITE_URL": "https://safeguarding.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/safeguarding",
    "EMAIL_URL": "smtp://127.0.0.1:1025",
    "AUDIT_HMAC_KEY": "an-invented-audit-key-for-tests-only-0123456789",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "NEWSLETTER_HMAC_KEY": "an-invented-newsletter-key-for-tests-only-0123456789",
    "ANYMAIL_WEBHOOK_SECRET": "provider:an-invented-webhook-secret",
    "AUDIT_ANCHOR_EMAIL": "audit-anchors@example.org",
    # Invented keys, for these tests only.
    "WORKSPACE_ENCRYPTION_KEYS": "test2026:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "WORKSPACE_LOOKUP_KEY": "an-invented-lookup-key-for-tests-only-0123456789",
}


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SITE_URL",
        "DATABASE_URL",
        "EMAIL_URL",
        "AUDIT_HMAC_KEY",
        "REDIS_URL",
        "NEWSLETTER_HMAC_KEY",
        "ANYMAIL_WEBHOOK_SECRET",
        "WORKSPACE_ENCRYPTION_KEYS",
        "WORKSPACE_LOOKUP_KEY",
    ],
)
def test_production_refuses_to_start_without(missing: str, tmp_path: Path) -> None:
    env = project_env(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != missing})
    env.pop(missing, None)

    result = manage("check", env=env, check=False)

    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_refuses_to_start_without_somewhere_to_anchor_the_audit_trail(
    tmp_path: Path,
) -> None:
    env = project_env(tmp_path, **PRODUCTION)
    env.pop("AUDIT_ANCHOR_EMAIL")
    env.pop("AUDIT_ANCHOR_FILE", None)

    result = manage("check", env=env, check=False)

    assert result.returncode != 0
    assert "AUDIT_ANCHOR_FILE or AUDIT_ANCHOR_EMAIL must be set" in result.stderr


def test_production_passes_check_deploy_with_no_warnings(tmp_path: Path) -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=project_env(tmp_path, **PRODUCTION),
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_uses_host_prefixed_secure_cookies(tmp_path: Path) -> None:
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS)",
        env=project_env(tmp_path, **PRODUCTION),
    )
    assert result.stdout.split() == ["__Host-session", "__Host-csrftoken", "True", "63072000"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "DATABASE_URL",
            "mysql://x@localhost/db",
            "DATABASE_URL must point at PostgreSQL or SQLite",
        ),
        ("DATABASE_URL", "nonsense", "DATABASE_URL is not a database URL"),
        ("EMAIL_URL", "carrier-pigeon://loft", "EMAIL_URL is not an email URL"),
        ("SITE_URL", "not a url", "SITE_URL must be an absolute URL"),
        ("DEBUG", "maybe", "DEBUG must be one of"),
        ("AXES_FAILURE_LIMIT", "ten", "AXES_FAILURE_LIMIT must be a whole number"),
        ("DEPLOYMENT", "staging", "DEPLOYMENT must be one of"),
        (
            "NEWSLETTER_SENT_SYNCHRONOUS_COMMIT",
            "sometimes",
            "NEWSLETTER_SENT_SYNCHRONOUS_COMMIT must be one of",
        ),
    ],
)
def test_bad_values_stop_start_up_with_a_reason(
    name: str, value: str, message: str, tmp_path: Path
) -> None:
    result = manage("check", env=project_env(tmp_path, **{name: value}), check=False)

    assert result.returncode != 0
    assert message in result.stderr


def test_production_secret_key_must_be_long(tmp_path: Path) -> None:
    result = manage(
        "check", env=project_env(tmp_path, **{**PRODUCTION, "SECRET_KEY": "short"}), check=False
    )

    assert "SECRET_KEY must be at least 50" in result.stderr


@pytest.mark.parametrize(
    "url", ["sqlite:///var/db.sqlite3", "postgres://app@db.example.org:5432/app"]
)
def test_each_thread_keeps_its_database_connection_between_requests(url: str) -> None:
    """Opening a connection for every request (and, on SQLite, setting WAL mode again) cost
    more than the catalogue's whole cached page; each of gunicorn's threads has its own."""
    from safeguarding.config.env import database_from_url

    config = database_from_url("DATABASE_URL", url)

    assert config["CONN_MAX_AGE"] >= 60
    assert config["CONN_HEALTH_CHECKS"] is True
