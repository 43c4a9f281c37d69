from __future__ import annotations

import pytest
import pytest_django.fixtures

ANALYTICS_ID = "G-TEST12345"


@pytest.fixture
def analytics(settings: pytest_django.fixtures.Settings) -> str:
    """Google Analytics configured, as GOOGLE_ANALYTICS_ID would configure it."""
    settings.GOOGLE_ANALYTICS_ID = ANALYTICS_ID
    return ANALYTICS_ID
