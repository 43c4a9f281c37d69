"""Property-based fuzzing (hypothesis) of every public and staff form: whatever is posted, by the
person allowed to post it, there is never a server error and never a half-written record.

Every URL that accepts a POST is found from the URL patterns (tests/fuzzing.py); a new form is
fuzzed without being listed here. Each example is posted by one signed-in client inside a
savepoint that is rolled back afterwards, so every example starts from the same database.

The number of examples per form comes from the hypothesis profile (tests/conftest.py):
``HYPOTHESIS_PROFILE=ci`` (the default, 200 per form) or ``dev`` (25).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse
from django.template import Template
from django.test import Client
from django.test import utils as test_utils
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from tests.conftest import rolled_back
from tests.fuzzing import (
    EXCUSED,
    LINKS,
    Change,
    WrittenTables,
    all_tables,
    changed_rows,
    discover,
    models_by_table,
    sign_in_as,
    table_rows,
    targets,
    urls_accepting_post,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.property,
    # A failing example with very long text is printed in full; hypothesis warns that is large.
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

OURS = "safeguarding."

TARGETS = targets()

# What records the attempt itself, so a refused POST may write it: table, the columns it may
# change (None: any), and why.
BOOKKEEPING: dict[str, tuple[tuple[str, ...] | None, str]] = {
    "accounts_session": (None, "saved on every request (SESSION_SAVE_EVERY_REQUEST)"),
    "axes_accessattempt": (None, "django-axes counts failed sign-ins to lock an address out"),
    "audit_auditentry": (None, "the audit trail records refused sign-ins and audited reads"),
    "audit_auditchainhead": (None, "the head of the audit trail's hash chain moves with it"),
    "workspaces_readlog": (None, "opening a workspace's page is a read, logged whatever is posted"),
    "privacy_exportdelivery": (
        ("failed_confirmations",),
        "an access export's download page counts wrong addresses, to stop guessing",
    ),
    "otp_totp_totpdevice": (
        ("throttling_failure_count", "throttling_failure_timestamp"),
        "django-otp slows down guessing after a wrong code",
    ),
}


def _bookkeeping(change: Change) -> bool:
    if change.table not in BOOKKEEPING:
        return False
    columns = BOOKKEEPING[change.table][0]
    return columns is None or (change.how == "changed" and set(change.columns) <= set(columns))


FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)


def test_every_url_that_accepts_a_post_is_fuzzed() -> None:
    """A URL that takes a POST is fuzzed, or excused here with a reason. A public URL whose
    arguments are a signed link needs a builder in tests/fuzzing.py ``LINKS``."""
    accepting = set(urls_accepting_post())
    missing = accepting - set(TARGETS) - set(EXCUSED)
    assert not missing, f"not fuzzed: add to tests/fuzzing.py LINKS or EXCUSED: {sorted(missing)}"
    assert not set(EXCUSED) - accepting, "EXCUSED names a URL that takes no POST"
    assert not set(LINKS) - accepting, "LINKS names a URL that takes no POST"


def _refused(response: HttpResponse) -> bool:
    """The form came back with errors, or the request was refused."""
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or getattr(response, "streaming", False):
        return False
    return b"govuk-error-summary" in response.content


def _check_writes(
    name: str,
    response: HttpResponse,
    written: WrittenTables,
    before: dict[str, dict[Any, tuple[Any, ...]]],
) -> None:
    changes = changed_rows(before, written.tables)
    if _refused(response):
        assert not [c for c in changes if not _bookkeeping(c)], (
            f"{name} answered {response.status_code} (refused, or the form with errors) but "
            f"changed rows: {changes}"
        )
    models = models_by_table()
    for change in changes:
        model = models.get(change.table)
        # Rows of other libraries' models (the task queue, django-axes) are theirs to check.
        if change.how == "removed" or model is None or not model.__module__.startswith(OURS):
            continue
        instance = model._base_manager.get(pk=change.key)
        exclude = None
        if change.how == "changed":  # only what this request wrote
            exclude = [
                f.name for f in model._meta.concrete_fields if f.column not in change.columns
            ]
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            raise AssertionError(
                f"{name} wrote an incomplete {model._meta.label} ({change.how}, "
                f"pk={change.key}): {error.message_dict}"
            ) from None


def _render_without_recording_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test environment records every template's context for ``response.context``; the
    examples do not need it, and it is a good part of each request's time."""
    saved = getattr(test_utils._TestState, "saved_data", None)
    if saved is not None:
        monkeypatch.setattr(Template, "_render", saved.template_render)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_a_form_never_gives_a_server_error_nor_half_writes(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = TARGETS[name]
    client = Client(raise_request_exception=True)
    sign_in_as(client, target.identity)
    url = reverse(name, kwargs=target.kwargs(client))
    found = discover(client, target, url)
    _render_without_recording_context(monkeypatch)
    before = {table: table_rows(table) for table in all_tables()}
    cookies = {key: morsel.value for key, morsel in client.cookies.items()}

    @FUZZ
    @given(data=_strategy(found, target.data))
    def post(data: dict[str, Any]) -> None:
        cache.clear()  # rate limits would otherwise answer every later example
        client.cookies.clear()
        for key, value in cookies.items():
            client.cookies[key] = value
        written = WrittenTables()
        with rolled_back():
            with connection.execute_wrapper(written):
                response = client.post(url, data)
            assert response.status_code < 500, f"{name}: {response.status_code}"
            _check_writes(name, response, written, before)

    post()


def _strategy(found: Any, known: dict[str, Any]) -> Any:
    from tests.fuzzing import post_data

    return post_data(found.fields, found.page_names, known)
