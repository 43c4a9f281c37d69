"""Signed links for learners and managers, who have no accounts.

Tokens carry ids and, for a learner, a keyed digest of their email address: never the address
itself. The digest ties a "my training" link to the person, so if a place is transferred to a
colleague the old link stops showing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from safeguarding.core.addresses import normalise_email
from safeguarding.core.links import BadLink, absolute_url, make_token, read_token

MY_TRAINING = "training-my-training"
APPROVAL = "training-approval"
OFFER = "training-offer"

MY_TRAINING_VALID_FOR = timedelta(days=30)
APPROVAL_VALID_FOR = timedelta(days=14)
# The offer's own expiry is in the database; the link only needs to outlive it.
OFFER_LINK_VALID_FOR = timedelta(days=14)


def email_digest(email: str) -> str:
    return salted_hmac("safeguarding.training.learner", normalise_email(email)).hexdigest()[:24]


def my_training_url(
    email: str, *, booking_id: int | None = None, entry_id: int | None = None
) -> str:
    """A link to everything held for ``email``, found through one booking or waiting place."""
    payload: dict[str, object] = {"d": email_digest(email)}
    if booking_id is not None:
        payload["b"] = booking_id
    if entry_id is not None:
        payload["w"] = entry_id
    token = make_token(purpose=MY_TRAINING, payload=payload)
    return absolute_url(reverse("training:my_training", args=[token]))


@dataclass(frozen=True)
class Learner:
    """Whoever holds a valid "my training" link: known only by the digest of their email, and
    the booking or waiting place the link was made from (to find the address again)."""

    digest: str
    booking_id: int | None = None
    entry_id: int | None = None

    def owns(self, email: str) -> bool:
        return constant_time_compare(self.digest, email_digest(email))


def read_learner(token: str) -> Learner:
    payload = read_token(token, purpose=MY_TRAINING, max_age=MY_TRAINING_VALID_FOR)
    digest, booking_id, entry_id = payload.get("d"), payload.get("b"), payload.get("w")
    if (
        not isinstance(digest, str)
        or not isinstance(booking_id, int | None)
        or not isinstance(entry_id, int | None)
    ):
        raise BadLink("This link is not valid.")
    return Learner(digest, booking_id, entry_id)


def approval_url(booking_id: int) -> str:
    token = make_token(purpose=APPROVAL, payload={"booking": booking_id})
    return absolute_url(reverse("training:approval", args=[token]))


def read_approval(token: str) -> int:
    return _read_id(token, purpose=APPROVAL, key="booking", max_age=APPROVAL_VALID_FOR)


def offer_url(entry_id: int) -> str:
    token = make_token(purpose=OFFER, payload={"entry": entry_id})
    return absolute_url(reverse("training:offer", args=[token]))


def read_offer(token: str) -> int:
    return _read_id(token, purpose=OFFER, key="entry", max_age=OFFER_LINK_VALID_FOR)


def _read_id(token: str, *, purpose: str, key: str, max_age: timedelta) -> int:
    payload = read_token(token, purpose=purpose, max_age=max_age)
    value = payload.get(key)
    if not isinstance(value, int):
        raise BadLink("This link is not valid.")
    return value
