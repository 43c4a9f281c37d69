"""The project's settings plus a trivial view to compare against."""

from safeguarding.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["testserver"]
DEBUG = False  # measure what production runs: no query log, cached templates
