"""Signed links: ``core.links.make_token`` writes the token ``signing.dumps`` would (it only
keeps one signer per purpose instead of one per token), so links already sent and links sent
now are read the same way."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import signing

from safeguarding.core import links


@pytest.mark.parametrize(
    "payload",
    [
        {"s": 12345, "h": "a1b2c3d4e5f6"},
        {"form": 7, "nonce": "x" * 40},
        {"person": 3, "nonce": "réf-ü"},
        {"form": 7, "nonce": "x" * 80},  # long enough to be compressed
    ],
)
@pytest.mark.parametrize("compress", [True, False])
def test_a_token_is_exactly_what_signing_dumps_makes_and_reads_back(
    payload: dict[str, object], compress: bool
) -> None:
    with time_machine.travel("2026-03-01 12:00:00Z", tick=False):
        made = links.make_token(purpose="test.purpose", payload=payload, compress=compress)
        expected = signing.dumps(payload, salt="safeguarding.links.test.purpose", compress=compress)
    assert made == expected
    read = links.read_token(made, purpose="test.purpose", max_age=timedelta(days=3650))
    assert read == payload


def test_an_uncompressed_token_is_what_signing_dumps_makes_without_compressing() -> None:
    payload = {"form": 7, "nonce": "x" * 80}
    with time_machine.travel("2026-03-01 12:00:00Z", tick=False):
        made = links.make_token(purpose="test.purpose", payload=payload, compress=False)
        expected = signing.dumps(payload, salt="safeguarding.links.test.purpose")
    assert made == expected
    read = links.read_token(made, purpose="test.purpose", max_age=timedelta(days=3650))
    assert read == payload


def test_a_token_for_another_purpose_is_refused() -> None:
    made = links.make_token(purpose="test.one", payload={"s": 1})
    with pytest.raises(links.BadLink):
        links.read_token(made, purpose="test.two", max_age=timedelta(days=1))
