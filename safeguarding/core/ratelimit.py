"""Limits on public forms that send email, so nobody can use them to flood someone's inbox or
to make the partnership's mail server look like a spammer.

Two counters per form, both in the shared cache (Redis in production, so every web machine
sees the same counts): one per recipient address, one per client address. The cache keys are
hashes (django-ratelimit builds them that way), so no email address is stored in the cache.
A form calls ``over_limit`` once it is valid, and when it says so answers with
``too_many_response`` (429 with a readable error on the form); nothing is saved and nothing is
sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited  # type: ignore[import-untyped]

TOO_MANY = (
    "You have asked for this too many times in the last hour. "
    "Wait an hour and try again, or contact us by phone or post instead."
)


@dataclass(frozen=True)
class Limit:
    """``per_address``: emails to one address; ``per_client``: submissions from one network
    address (an IPv6 /64 counts as one). Rates are django-ratelimit's "count/period"."""

    group: str
    per_address: str = "3/h"
    per_client: str = "20/h"


def over_limit(request: HttpRequest, limit: Limit, *, address: str) -> bool:
    """Count this submission and say whether it goes over either limit."""
    normalised = address.strip().lower()
    by_address = is_ratelimited(
        request,
        group=f"{limit.group}:address",
        key=lambda _group, _request: normalised,
        rate=limit.per_address,
        increment=True,
    )
    by_client = is_ratelimited(
        request, group=f"{limit.group}:client", key="ip", rate=limit.per_client, increment=True
    )
    return bool(by_address or by_client)


def too_many_response(
    request: HttpRequest,
    form: forms.BaseForm,
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The form again, with the over-limit error at its top, as 429 Too Many Requests."""
    form.add_error(None, TOO_MANY)
    return render(request, template, {"form": form, **(context or {})}, status=429)
