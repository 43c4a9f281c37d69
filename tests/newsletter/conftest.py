from __future__ import annotations

import pytest
import pytest_django.fixtures


@pytest.fixture(autouse=True)
def _send_without_pause(settings: pytest_django.fixtures.Settings) -> None:
    """Tests send as fast as the sink takes messages, with HTTPS links as in production."""
    settings.NEWSLETTER_RATE_PER_SECOND = 0
    settings.SITE_URL = "https://safeguarding.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "safeguarding.example.org"]
