"""The benchmark settings, served by a real gunicorn on loopback for bench/training.py."""

from bench.settings import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
# The load generator is one client address; the booking limit is not what is measured.
TRAINING_BOOKINGS_PER_CLIENT_HOUR = 100_000
