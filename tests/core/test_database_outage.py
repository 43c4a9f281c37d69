"""PostgreSQL stops for a few seconds while the site takes bookings and the worker sends a
campaign. The test runs its own throw-away PostgreSQL cluster (never the shared server): the
site answers 503 pages (not tracebacks) while it is down and works again after; the worker
(under its supervisor) waits and carries on by itself; every booking that got its success
page exists once, with one confirmation; every reader gets the campaign once; the audit trail
verifies."""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.processes import ROOT, free_port, manage, project_env, running_server
from tests.smtp import SMTPSink
from tests.training.factories import booking_data
from tests.training.load import csrf_for

pytestmark = pytest.mark.processes

READERS = 100
RATE = 20
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
AS_POSTGRES = ["runuser", "-u", "postgres", "--"]
SUPERVISE = [sys.executable, "manage.py", "supervise", "--", sys.executable, "manage.py"]


def _missing() -> str | None:
    if not PG_BIN or not Path(PG_BIN[-1], "initdb").exists():
        return "the PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are missing"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "starting a throw-away PostgreSQL cluster needs root (runuser -u postgres)"
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no postgres OS user to run the throw-away cluster"
    return None


class Cluster:
    """A PostgreSQL cluster of the test's own, in a temporary directory, on a free port."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.bin = Path(PG_BIN[-1])

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(  # noqa: S603
            [*AS_POSTGRES, *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def create(self) -> None:
        shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-N"
        )
        self.start()
        self._as_postgres(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "safeguarding"
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )

    def stop(self, *, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/safeguarding"


@contextmanager
def throw_away_cluster() -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="outage-pg-"))
    cluster = Cluster(root)
    try:
        cluster.create()
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop(mode="immediate")
        shutil.rmtree(root, ignore_errors=True)


SETUP = """
from tests.training.factories import SessionFactory
from safeguarding.newsletter.models import Campaign
session = SessionFactory(capacity=500)
print(session.pk, Campaign.objects.get().pk)
"""
START = """
from safeguarding.newsletter.sending import campaign_start
campaign_start(campaign_id={campaign_id}, actor=None)
"""
OUTCOME = """
import json
from safeguarding.newsletter.models import Campaign
from safeguarding.newsletter.sending import campaign_progress
from safeguarding.training.models import Booking
from django_tasks_db.models import DBTaskResult
c = Campaign.objects.get()
print(json.dumps({
    "state": c.state,
    "progress": campaign_progress(c),
    "bookings": list(Booking.objects.values_list("email", flat=True)),
    "waiting_tasks": DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count(),
}))
"""


class Booker:
    """Books a place every 0.1 s, each with a new address, and notes what the site said."""

    def __init__(self, base: str, path: str) -> None:
        self.base = base
        self.path = path
        self.cookie, self.token = csrf_for(base, path)
        # (address, status, when it was sent, when the answer came)
        self.results: list[tuple[str, int, float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            address = f"booker{n}@school.example.org"
            n += 1
            form = {**booking_data(email=address), "csrfmiddlewaretoken": self.token}
            sent = time.monotonic()
            status = _post(self.base + self.path, form, cookie=self.cookie)
            self.results.append((address, status, sent, time.monotonic()))
            time.sleep(0.1)

    def __enter__(self) -> Booker:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


def _post(url: str, form: dict[str, str], *, cookie: str) -> int:
    """POST a form; the status, or 0 if the server did not answer."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=20)
    try:
        conn.request(
            "POST",
            parts.path,
            body=urllib.parse.urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        conn.close()


def _wait_for(condition: Callable[[], bool], *, timeout: float, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(every)


def test_the_site_and_the_worker_ride_out_a_postgresql_restart(tmp_path: Path) -> None:
    missing = _missing()
    if missing:
        pytest.skip(missing)
    sink = SMTPSink().start()
    with throw_away_cluster() as cluster:
        env = project_env(
            tmp_path,
            DATABASE_URL=cluster.url,
            EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
            DEBUG="false",
            NEWSLETTER_RATE_PER_SECOND=str(RATE),
            NEWSLETTER_BATCH_SIZE="25",
            TRAINING_BOOKINGS_PER_CLIENT_HOUR="10000",
            PYTHONUNBUFFERED="1",
        )
        manage("migrate", "--no-input", env=env)
        manage("seed_demo_newsletter", "--readers", str(READERS), env=env)
        session_id, campaign_id = manage("shell", "-c", SETUP, env=env).stdout.split()[-2:]
        worker_log = tmp_path / "worker.log"
        server_log = tmp_path / "server.log"
        with worker_log.open("w") as log, running_server(env, log=server_log) as base:
            supervisor = subprocess.Popen(  # noqa: S603
                [*SUPERVISE, "run_worker", "--no-startup-delay", "--interval", "0.2"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                with Booker(base, f"/courses/sessions/{session_id}/book/") as booker:
                    manage("shell", "-c", START.format(campaign_id=campaign_id), env=env)
                    _wait_for(lambda: len(sink.mailbox.messages) >= 40, timeout=30)

                    cluster.stop()
                    stopped_at = time.monotonic()
                    time.sleep(5)
                    during = fetch_page(base)
                    restarting_at = time.monotonic()
                    cluster.start()
                    started_at = time.monotonic()
                    _wait_for(
                        lambda: any(
                            status == 302 and when > started_at
                            for _, status, _, when in booker.results
                        ),
                        timeout=30,
                    )
                _wait_for(
                    lambda: _outcome(env)["state"] == "finished",
                    timeout=40,
                    every=1,
                )
                # The booking confirmations queued last are sent too.
                _wait_for(
                    lambda: _outcome(env)["waiting_tasks"] == 0,
                    timeout=30,
                    every=1,
                )
                time.sleep(1)  # anything extra would arrive now
                assert supervisor.poll() is None  # the worker line is still up
            finally:
                supervisor.terminate()
                supervisor.wait(timeout=30)
        outcome = _outcome(env)
        verified = manage("audit_verify", env=env, check=False)
    sink.stop()

    # The site: 503 pages while the database was down, no tracebacks, and bookings after.
    status, body = during
    assert status == 503, body[:500]
    assert "Sorry, the service is unavailable" in body
    assert "Traceback" not in body
    # Requests sent once the database had stopped and answered before it was started again
    # (one sent just before the stop may still commit and answer a moment after it, and one
    # waiting for a connection while the server starts may be served once it is up).
    while_down = [
        s
        for _, s, sent, answered in booker.results
        if stopped_at < sent and answered < restarting_at
    ]
    assert while_down
    assert set(while_down) <= {500, 503}
    # Every booking that got its success page exists exactly once, with one confirmation.
    booked = [address for address, s, _, _ in booker.results if s == 302]
    assert booked
    assert all(outcome["bookings"].count(address) == 1 for address in booked)
    per_address = Counter(rcpt for _, rcpts in sink.mailbox.envelopes for rcpt in rcpts)
    for address in outcome["bookings"]:
        assert per_address[address] == 1, address
    # The campaign: everyone once.
    assert outcome["progress"]["sent"] == READERS
    readers = [address for address in per_address if address.startswith("reader")]
    assert len(readers) == READERS
    assert {per_address[address] for address in readers} == {1}
    # The worker said what happened, and waited rather than dying (or was restarted).
    said = worker_log.read_text()
    assert "The database cannot be reached" in said
    assert "Traceback" not in said or "Supervisor: started" in said
    assert verified.returncode == 0, verified.stderr[-2000:]


def _outcome(env: dict[str, str]) -> dict[str, object]:
    return json.loads(manage("shell", "-c", OUTCOME, env=env).stdout.splitlines()[-1])


def fetch_page(base: str) -> tuple[int, str]:
    from tests.processes import fetch

    status, body = fetch(f"{base}/courses/")
    return status, body.decode(errors="replace")
