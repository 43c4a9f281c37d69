"""The catalogue and course pages under gunicorn, as deployed: each process keeps its own
pages in memory, and on PostgreSQL each reads the version with a statement its connection
prepared. A place booked through one process shows "Full" on the very next request,
whichever process and thread serves it."""

from __future__ import annotations

import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.urls import reverse

from tests.processes import project_env, running_server
from tests.training.factories import SessionFactory, booking_data
from tests.training.load import csrf_for, database_url, post

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.processes,
]


def fetch(url: str) -> str:
    # A generous timeout: the workers may still be starting on a busy machine.
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - our own server
        assert response.status == 200
        return response.read().decode()  # type: ignore[no-any-return]


def shown(base: str, paths: list[str], times: int) -> list[str]:
    """Each page ``times`` times, 8 at once (so every process and thread answers some)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda path: fetch(base + path), paths * times))


def test_a_place_booked_through_one_process_shows_full_on_the_next_request_from_any(
    tmp_path: Path,
) -> None:
    session = SessionFactory(capacity=1)
    paths = [reverse("training:catalogue"), reverse("training:course", args=[session.course.pk])]
    book = reverse("training:book", args=[session.pk])
    env = project_env(tmp_path, DATABASE_URL=database_url())

    with running_server(env, production=True, workers=2, threads=2, log=tmp_path / "log") as base:
        # Every process and thread keeps the pages, and has prepared its read, first.
        assert all("1 place left" in body for body in shown(base, paths, 20))
        cookie, token = csrf_for(base, book)
        assert post(base, book, booking_data(), cookie=cookie, token=token).status == 302

        after = shown(base, paths, 20)

    assert all("Full: join the waiting list" in body for body in after)
    assert not any("place left" in body for body in after)
