"""Concurrent form posts through real HTTP, for the contention test and the benchmark."""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Result:
    status: int
    seconds: float


def database_url() -> str:
    """The URL of the database this process is using (the test database during tests)."""
    settings = connection.settings_dict
    user = urllib.parse.quote(settings["USER"] or "")
    password = urllib.parse.quote(settings["PASSWORD"] or "")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{auth}{host}:{port}/{settings['NAME']}"


def _connection(base: str) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)


def csrf_for(base: str, path: str) -> tuple[str, str]:
    """(cookie, form token) from one GET of the form page."""
    conn = _connection(base)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    cookie = next(
        header.split(";", 1)[0]
        for header in response.headers.get_all("Set-Cookie") or []
        if header.startswith("csrftoken=")
    )
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if match is None:
        raise AssertionError(f"no CSRF token on {path} ({response.status})")
    return cookie, match.group(1)


def get(base: str, path: str, *, cookie: str = "") -> Result:
    started = time.perf_counter()
    conn = _connection(base)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return Result(response.status, time.perf_counter() - started)


def post(base: str, path: str, data: dict[str, str], *, cookie: str, token: str) -> Result:
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    started = time.perf_counter()
    conn = _connection(base)
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return Result(response.status, time.perf_counter() - started)


def post_all_at_once(base: str, path: str, forms: list[dict[str, str]]) -> list[Result]:
    """POST every form at the same time, one thread each; results in the forms' order."""
    cookie, token = csrf_for(base, path)
    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        futures = [
            pool.submit(post, base, path, data, cookie=cookie, token=token) for data in forms
        ]
        return [future.result() for future in futures]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
