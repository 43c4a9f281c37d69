"""Settings helpers that read the environment and fail loudly on bad values.

Every helper raises ``ImproperlyConfigured`` naming the variable (never its value, which may
be a secret) so a mis-set deployment stops at start-up instead of running half-configured.
"""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from safeguarding.core.keys import KEY_ID_PATTERN, decode_key

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def env_required(name: str, *, reason: str) -> str:
    value = env_str(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set: {reason}")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} must be a comma-separated list with at least one item")
    return items


def env_int_mapping(
    name: str, default: dict[str, int], *, minimum: int | None = None
) -> dict[str, int]:
    """``key=number`` pairs separated by commas, each replacing or adding to ``default``."""
    mapping = dict(default)
    value = env_str(name)
    if value is None:
        return mapping
    for item in filter(None, (item.strip() for item in value.split(","))):
        key, _, number = (part.strip() for part in item.partition("="))
        if not key or not number.lstrip("-").isdigit():
            raise ImproperlyConfigured(
                f"{name} must be comma-separated key=number pairs, for example a=30,b=365"
            )
        if minimum is not None and int(number) < minimum:
            raise ImproperlyConfigured(f"{name} must give each key at least {minimum}")
        mapping[key] = int(number)
    return mapping


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of: {', '.join(sorted(choices))}")
    return value


def env_url(name: str, default: str | None = None, *, schemes: set[str]) -> str | None:
    value = env_str(name, default)
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ImproperlyConfigured(
            f"{name} must be an absolute URL starting with {' or '.join(sorted(schemes))}://"
        )
    return value.rstrip("/")


def env_date(name: str, default: date) -> date:
    value = env_str(name)
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date written YYYY-MM-DD") from None


def env_email(name: str, default: str) -> str:
    value = env_str(name, default) or default
    try:
        validate_email(value)
    except ValidationError:
        raise ImproperlyConfigured(f"{name} must be an email address") from None
    return value


def database_from_url(name: str, url: str) -> dict[str, Any]:
    try:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} is not a database URL this service understands "
            "(use postgres://user@host:port/name or sqlite:///path)"
        ) from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(f"{name} must point at PostgreSQL or SQLite")
    if engine == "django.db.backends.sqlite3":
        # Connections are kept (CONN_MAX_AGE above) on SQLite too: each of gunicorn's threads
        # has its own, and between requests it holds no transaction, so it blocks no writer
        # or checkpoint. Opening one per request (and setting WAL mode again) cost more than
        # a cached public page.
        config["OPTIONS"] = {
            # IMMEDIATE makes writers queue for the lock at BEGIN instead of failing
            # mid-transaction, which is what keeps the audit chain and capacity checks safe.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


def email_from_url(name: str, url: str) -> dict[str, Any]:
    scheme = urlparse(url).scheme
    if scheme not in dj_email_url.SCHEMES:
        raise ImproperlyConfigured(
            f"{name} is not an email URL this service understands "
            "(use smtp://host:port, submission://user:password@host:587 or smtps://...)"
        )
    try:
        config = dj_email_url.parse(url)
    except ValueError:
        raise ImproperlyConfigured(f"{name} could not be read as an email URL") from None
    if not config.get("EMAIL_HOST") and config.get("EMAIL_BACKEND", "").endswith(
        "smtp.EmailBackend"
    ):
        raise ImproperlyConfigured(f"{name} must name a mail server host")
    return dict(config)


def local_secret(path: Path, *, nbytes: int = 48) -> str:
    """A secret generated once for local development and kept under var/, never committed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


def env_keyring(name: str, default: str | None = None) -> list[str]:
    """Encryption keys as ``key_id:base64key`` entries separated by commas: the first encrypts
    new values, every one decrypts. Each key is 32 random bytes (AES-256), in standard or
    URL-safe base64; a key id is 1-32 letters, digits, ``-`` or ``_`` and appears once."""
    value = env_str(name, default)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set")
    entries = [item.strip() for item in value.split(",") if item.strip()]
    if not entries:
        raise ImproperlyConfigured(f"{name} must hold at least one key_id:base64key entry")
    seen: set[str] = set()
    for entry in entries:
        key_id, _, encoded = entry.partition(":")
        if not KEY_ID_PATTERN.fullmatch(key_id) or not encoded:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated key_id:base64key entries; key ids are 1-32 "
                "letters, digits, - or _"
            )
        if key_id in seen:
            raise ImproperlyConfigured(f"{name} names key id {key_id!r} twice")
        seen.add(key_id)
        if decode_key(encoded) is None:
            raise ImproperlyConfigured(
                f"{name}: key {key_id!r} must be 32 random bytes in base64 (44 characters)"
            )
    return entries
