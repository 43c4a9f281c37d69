"""The public site's settings stop start-up on bad values, naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import manage, project_env

pytestmark = pytest.mark.processes


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("GOOGLE_ANALYTICS_ID", "UA-12345-1", "GOOGLE_ANALYTICS_ID must look like G-XXXXXXXXXX"),
        ("BUSINESS_UNIT_INBOX", "not an address", "BUSINESS_UNIT_INBOX must be an email address"),
        ("FOI_REQUEST_URL", "council.example.org/foi", "FOI_REQUEST_URL must be an absolute URL"),
        ("ACCESSIBILITY_LAST_TESTED", "29/11/2026", "ACCESSIBILITY_LAST_TESTED must be a date"),
        ("ACCESSIBILITY_COMPLIANCE", "mostly", "ACCESSIBILITY_COMPLIANCE must be one of"),
    ],
)
def test_bad_public_site_settings_stop_start_up(
    name: str, value: str, message: str, tmp_path: Path
) -> None:
    result = manage("check", env=project_env(tmp_path, **{name: value}), check=False)

    assert result.returncode != 0
    assert message in result.stderr
    assert value not in result.stderr
