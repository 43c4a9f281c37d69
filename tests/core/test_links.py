"""Signed links: ``core.links.make_token`` writes the token ``signing.dumps`` would (it only
skips the per-token key derivation, and compressing a short payload), so links already sent
and links sent now are read the same way."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import signing

from safeguarding.core import links


@pytest.mark.parametrize(
    "payload",
    [
        {"s": 12345, "h": "a1b2c3d4e5f6"},
        {"form": 7, "nonce": "x" * 40},  # short: compressing is not tried
        {"person": 3, "nonce": "réf-ü"},
        {"form": 7, "nonce": "x" * 80},  # long: compressed, as signing.dumps does
    ],
)
def test_a_token_is_exactly_what_signing_dumps_makes_and_reads_back(
    payload: dict[str, object],
) -> None:
    with time_machine.travel("2026-03-01 12:00:00Z", tick=False):
        made = links.make_token(purpose="test.purpose", payload=payload)
        long = len(json.dumps(payload, separators=(",", ":"))) >= 64
        expected = signing.dumps(payload, salt="safeguarding.links.test.purpose", compress=long)
    assert made == expected
    read = links.read_token(made, purpose="test.purpose", max_age=timedelta(days=3650))
    assert read == payload


def test_a_token_for_another_purpose_is_refused() -> None:
    made = links.make_token(purpose="test.one", payload={"s": 1})
    with pytest.raises(links.BadLink):
        links.read_token(made, purpose="test.two", max_age=timedelta(days=1))
