"""The end of a long-running process's start-up: gunicorn workers (safeguarding/config/wsgi.py)
and the task worker (manage.py run_worker).

Django, the libraries and the app leave about 110,000 objects alive at start-up that live as
long as the process. A full garbage collection traverses every one of them: about 50 ms on
this app, paid by whichever request happened to trigger it. ``gc.freeze()`` moves them to the
permanent generation, which collections skip; a full collection then takes about 1 ms
(issue #17). Objects made later (by requests and tasks) are collected as before; the
thresholds are unchanged.
"""

from __future__ import annotations

import gc

from django.urls import get_resolver


def finish_start_up() -> None:
    """Load what would otherwise load on the first request, then freeze what start-up made.

    The URLconf is imported lazily by the first request (with it, a full collection of about
    50 ms), so it is loaded here to be frozen too. The collection first clears start-up's
    garbage, which frozen would never be freed.
    """
    get_resolver().url_patterns  # noqa: B018 - the property imports every app's urls
    gc.collect()
    gc.freeze()
