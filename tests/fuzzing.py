"""What tests/core/test_forms_fuzz.py needs: every URL that accepts a POST, who may use it, the
fields its form asks for, a hypothesis strategy for each field, and a way to tell which rows a
request wrote.

Nothing here lists forms by hand. Staff URLs come from the access table (tests/access.py: who
may use them and how to build their arguments); public URLs without arguments need nothing;
public URLs whose arguments are a signed link need a builder in ``LINKS``. A URL that accepts
POST and is in none of these (nor in ``EXCUSED``, with a reason) fails
``test_every_url_that_accepts_a_post_is_fuzzed``.

The fields come from the Django form behind the view: the form instances in the GET page's
template context (so fields added in ``__init__``, and choices read from the database, are
there), or, for a POST-only view, the ``base_fields`` of the form classes its code names.
Where no form is found, the POST is made of the names of the page's ``<input>``,
``<select>`` and ``<textarea>`` elements and of arbitrary names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from types import FunctionType
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client
from django.urls import URLPattern, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import strategies as st

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import ALL_ROLES, Role
from tests.access import ANONYMOUS, NO_MFA, Access, collect
from tests.conftest import sign_in
from tests.core.test_no_store import _patterns
from tests.factories import UserFactory

ACCESS = collect()

# Signed in with a password, with an authenticator enrolled, not yet past the second step.
ENROLLED_NO_MFA = "password only, authenticator enrolled"
# Signed in with no role, the lead of the workspace the URL points at (``Access.in_workspace``).
WORKSPACE_LEAD = "workspace lead"

# URLs that accept a POST but are not fuzzed here, and why.
EXCUSED: dict[str, str] = {
    "newsletter:anymail:postmark_tracking_webhook": (
        "the mail provider's JSON webhook behind HTTP basic auth, not a form; django-anymail "
        "parses it and tests/newsletter/test_bounces.py posts malformed events to it"
    ),
    "healthz": "a JSON health check for the load balancer: it reads no request data",
}

# Identities that the access table cannot express.
IDENTITIES: dict[str, str] = {
    # The second step of signing in is only shown to someone who has an authenticator.
    "accounts:mfa_verify": ENROLLED_NO_MFA,
    # A person's page is reached by searching in the same session (_person_found).
    "subjects:hold": str(Role.DATA_PROTECTION_LEAD),
}


# --- Which URLs accept a POST --------------------------------------------------------------------


def accepted_methods(callback: Callable[..., Any]) -> set[str] | None:
    """The HTTP methods a view accepts: a class-based view's handlers, or the list given to
    ``require_http_methods`` (and ``require_POST``/``require_safe``); None when the view
    does not say, so it answers every method."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    function: Any = callback
    while function is not None:
        for name, cell in zip(
            function.__code__.co_freevars, function.__closure__ or (), strict=False
        ):
            if name == "request_method_list":
                return {str(method) for method in cell.cell_contents}
        function = getattr(function, "__wrapped__", None)
    return None


def accepts(callback: Callable[..., Any], method: str) -> bool:
    methods = accepted_methods(callback)
    return methods is None or method in methods


def urls_accepting_post() -> dict[str, URLPattern]:
    return {
        name: pattern
        for name, pattern in _patterns(get_resolver())
        if accepts(pattern.callback, "POST")
    }


# --- Public links: the signed arguments a public form's URL needs ------------------------------


def _newsletter_link(purpose: str) -> Callable[[Client], dict[str, Any]]:
    def make(client: Client) -> dict[str, Any]:
        from safeguarding.newsletter import tokens
        from tests.newsletter.factories import confirmed_subscriber, topic

        subscriber = confirmed_subscriber("fuzz.subscriber@example.org", "newsletter", "events")
        extra: dict[str, Any] = {}
        if purpose == tokens.CONFIRM:
            extra["c"] = list(subscriber.consents.values_list("pk", flat=True))
        topic("events")
        return {"token": tokens.make(purpose, subscriber, **extra)}

    return make


def _my_training(*, waiting: bool = False, kind: str = "") -> Callable[[Client], dict[str, Any]]:
    def make(client: Client) -> dict[str, Any]:
        from safeguarding.training import links
        from safeguarding.training.models import Attendance
        from tests.training.factories import BookingFactory, WaitingListEntryFactory

        if waiting:
            entry = WaitingListEntryFactory(email="fuzz.learner@example.org")
            url = links.my_training_url(entry.email)
            pk = entry.pk
        elif kind:
            from tests.training.test_certificates import closed_session_with

            booking = closed_session_with(Attendance.PRESENT)
            url = links.my_training_url(booking.email, booking_id=booking.pk)
            pk = booking.pk
        else:
            booking = BookingFactory(email="fuzz.learner@example.org")
            url = links.my_training_url(booking.email, booking_id=booking.pk)
            pk = booking.pk
        kwargs = {"token": url.rstrip("/").rsplit("/", 1)[1], "pk": pk}
        return {**kwargs, "kind": kind} if kind else kwargs

    return make


def _approval(client: Client) -> dict[str, Any]:
    from safeguarding.training import links
    from tests.training.factories import BookingFactory

    booking = BookingFactory(status="awaiting_approval", manager_email="manager@example.org")
    return {"token": links.approval_url(booking.pk).rstrip("/").rsplit("/", 1)[1]}


def _offer(client: Client) -> dict[str, Any]:
    from safeguarding.training import links
    from tests.training.factories import WaitingListEntryFactory

    now = timezone.now()
    entry = WaitingListEntryFactory(
        status="offered", offered_at=now, offer_expires_at=now + timedelta(days=2)
    )
    return {"token": links.offer_url(entry.pk).rstrip("/").rsplit("/", 1)[1]}


def _session_to_book(client: Client) -> dict[str, Any]:
    from tests.training.factories import SessionFactory

    return {"pk": SessionFactory().pk}


def _rights_confirm(client: Client) -> dict[str, Any]:
    from safeguarding.core import links
    from safeguarding.privacy.models.person import Person
    from safeguarding.privacy.models.rights import RequestChannel, RequestKind, RightsRequest
    from safeguarding.privacy.rights.services import LINK_PURPOSE

    request = RightsRequest.objects.create(
        person=Person.objects.create(email="fuzz.requester@example.org"),
        kind=RequestKind.ACCESS,
        channel=RequestChannel.WEB,
    )
    return {"token": links.make_token(purpose=LINK_PURPOSE, payload={"request": request.pk})}


def _export_link(client: Client) -> dict[str, Any]:
    """The emailed link to an access export: a completed access request's delivery."""
    from safeguarding.privacy.rights.delivery import delivery_link
    from safeguarding.privacy.rights.services import rights_request_complete
    from tests.privacy.access_rights import open_request

    request = open_request(email="fuzz.requester@example.org")
    rights_request_complete(request=request, outcome="Answered", actor=UserFactory())
    delivery = request.deliveries.get()
    return {"token": delivery_link(delivery).rstrip("/").rsplit("/", 1)[1]}


def _security_questions(client: Client) -> dict[str, Any]:
    from safeguarding.privacy.callers.services import security_questions_link
    from safeguarding.privacy.models.person import Person

    person = Person.objects.create(email="fuzz.person@example.org")
    return {"token": security_questions_link(person).rstrip("/").rsplit("/", 1)[1]}


def _cdop_reporting_form(client: Client) -> dict[str, Any]:
    """An agency's emailed link to a reporting form asked of it."""
    from safeguarding.cdop.reporting import reporting_link_issue
    from tests.cdop.access_cdop_forms import a_case, a_form

    form_id = a_form(*a_case())["form"]
    token = reporting_link_issue(form_id=form_id)
    assert token is not None
    return {"token": token}


def _password_reset(client: Client) -> dict[str, Any]:
    """Django's reset link puts its token in the session and moves to ``set-password/``."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = UserFactory()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    client.get(reverse("accounts:password_reset_confirm", args=[uid, token]))
    return {"uidb64": uid, "token": "set-password"}


def _person_found(client: Client) -> dict[str, Any]:
    """A person's page is named by a key kept in the session that searched for them."""
    from tests.training.factories import BookingFactory

    BookingFactory(full_name="Fuzz Person", email="fuzz.person@example.org")
    page = client.post("/staff/data-protection/people/", {"query": "Fuzz Person"})
    found = re.search(r"/staff/data-protection/people/([\w-]+)/", page.content.decode())
    assert found is not None
    return {"key": found.group(1)}


LINKS: dict[str, Callable[[Client], dict[str, Any]]] = {
    "newsletter:confirm": _newsletter_link("newsletter.confirm"),
    "newsletter:manage": _newsletter_link("newsletter.manage"),
    "newsletter:manage_your_data": _newsletter_link("newsletter.manage"),
    "newsletter:unsubscribe": _newsletter_link("newsletter.unsubscribe"),
    "training:book": _session_to_book,
    "training:approval": _approval,
    "training:offer": _offer,
    "training:cancel": _my_training(),
    "training:transfer": _my_training(),
    "training:evaluation": _my_training(kind="post_course"),
    "training:leave": _my_training(waiting=True),
    "your_data:confirm": _rights_confirm,
    "your_data:export": _export_link,
    "security_questions:set": _security_questions,
    "cdop:reporting_form_answer": _cdop_reporting_form,
    "accounts:password_reset_confirm": _password_reset,
    "subjects:hold": _person_found,
}


# --- Targets: a URL, who posts to it, how to build its arguments --------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    pattern: URLPattern
    identity: str
    kwargs: Callable[[Client], dict[str, Any]] = field(default=lambda client: {})
    data: dict[str, Any] = field(default_factory=dict)


def _allowed_identity(access: Access) -> str:
    """The first identity the access table lets in (a page shown, or an action done)."""
    for role in ALL_ROLES:
        if access.roles.get(role) in (200, 302):
            return str(role)
    if access.no_mfa == 200:
        return NO_MFA
    if access.anonymous == 200:
        return ANONYMOUS
    raise AssertionError("nobody may use this URL")


def _staff_kwargs(access: Access) -> Callable[[Client], dict[str, Any]]:
    def make(client: Client) -> dict[str, Any]:
        if access.in_workspace is not None:
            return access.in_workspace(_signed_in(client), "lead")
        if access.make_kwargs is not None:
            return access.make_kwargs()
        return {"pk": UserFactory().pk} if access.needs_target else {}

    return make


def targets() -> dict[str, Target]:
    """Every URL that accepts a POST and that we know how to reach, by URL name."""
    found: dict[str, Target] = {}
    for name, pattern in urls_accepting_post().items():
        if name in EXCUSED:
            continue
        access = ACCESS.get(name)
        identity = IDENTITIES.get(name)
        if access is not None and name not in LINKS:
            if access.in_workspace is not None:
                identity = identity or WORKSPACE_LEAD
            found[name] = Target(
                name,
                pattern,
                identity or _allowed_identity(access),
                _staff_kwargs(access),
                access.data,
            )
        elif name in LINKS:
            found[name] = Target(name, pattern, identity or ANONYMOUS, LINKS[name])
        elif not pattern.pattern.converters:
            found[name] = Target(name, pattern, identity or ANONYMOUS)
    return found


def _signed_in(client: Client) -> User:
    return User.objects.get(pk=client.session[SESSION_KEY])


def sign_in_as(client: Client, identity: str) -> None:
    if identity == ANONYMOUS:
        return
    if identity == WORKSPACE_LEAD:
        sign_in(client, UserFactory())
        return
    if identity == NO_MFA:
        sign_in(client, UserFactory(), verified=False)
        return
    if identity == ENROLLED_NO_MFA:
        user = UserFactory()
        TOTPDevice.objects.create(user=user, name="fuzz", confirmed=True)
        sign_in(client, user, verified=False)
        return
    sign_in(client, UserFactory(roles=[str(Role(identity))]))


# --- The form behind a view ----------------------------------------------------------------------


def _names_in_code(callback: Callable[..., Any]) -> set[str]:
    """Global names the view's code uses, through its decorators."""
    names: set[str] = set()
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and getattr(view_class, "form_class", None) is not None:
        names.add(view_class.form_class.__name__)
    function: Any = callback
    while function is not None:
        if isinstance(function, FunctionType):
            names.update(function.__code__.co_names)
            for constant in function.__code__.co_consts:  # nested functions
                if hasattr(constant, "co_names"):
                    names.update(constant.co_names)
        function = getattr(function, "__wrapped__", None)
    return names


def form_classes_in_code(callback: Callable[..., Any]) -> list[type[forms.BaseForm]]:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and getattr(view_class, "form_class", None) is not None:
        return [view_class.form_class]
    function: Any = callback
    while getattr(function, "__wrapped__", None) is not None:
        function = function.__wrapped__
    module_globals = getattr(function, "__globals__", {})
    return [
        value
        for name in sorted(_names_in_code(callback))
        if isinstance(value := module_globals.get(name), type) and issubclass(value, forms.BaseForm)
    ]


class _FieldNames(HTMLParser):
    """The names of the fields in a page's forms (those posting to ``action`` if given)."""

    def __init__(self, action: str | None) -> None:
        super().__init__()
        self.action = action
        self.inside = action is None
        self.names: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and self.action is not None:
            self.inside = attributes.get("action") == self.action
        elif tag in ("input", "select", "textarea", "button") and self.inside:
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken" and name not in self.names:
                self.names.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.action is not None:
            self.inside = False


def field_names_in(html: str, action: str | None = None) -> list[str]:
    parser = _FieldNames(action)
    parser.feed(html)
    return parser.names


@dataclass
class Discovered:
    fields: dict[str, forms.Field]
    page_names: list[str]
    how: str


def discover(client: Client, target: Target, url: str) -> Discovered:
    """The fields a POST to ``url`` is read by, from the form behind the view."""
    callback = target.pattern.callback
    classes = form_classes_in_code(callback)
    if accepts(callback, "GET"):
        response = client.get(url)
        html = response.content.decode(errors="replace")
        page_names = field_names_in(html)
        context_forms = _context_forms(response)
        chosen = [form for form in context_forms.values() if type(form) in classes] or [
            form for key, form in context_forms.items() if key == "form"
        ]
        if chosen:
            fields = {
                form.add_prefix(name): fld for form in chosen for name, fld in form.fields.items()
            }
            return Discovered(fields, page_names, "the GET page's form")
    else:
        page_names = _names_on_a_parent_page(client, url)
    if classes:
        fields = {name: fld for cls in classes for name, fld in cls.base_fields.items()}
        return Discovered(fields, page_names, "the form classes in the view's code")
    return Discovered({}, page_names, "the page's field names (no form found)")


def _context_forms(response: Any) -> dict[Any, forms.BaseForm]:
    if response.context is None:
        return {}
    found: dict[Any, forms.BaseForm] = {}
    for key in response.context.keys():  # noqa: SIM118 (a ContextList)
        value = response.context[key]
        if isinstance(value, forms.BaseForm) and all(value is not f for f in found.values()):
            found[key] = value
    return found


def _names_on_a_parent_page(client: Client, url: str) -> list[str]:
    """A POST-only URL's form is shown on another page: try the URL's parents, nearest first,
    for a form that posts to it."""
    parts = url.rstrip("/").split("/")
    for end in range(len(parts) - 1, 1, -1):
        response = client.get("/".join(parts[:end]) + "/")
        if response.status_code == 200:
            names = field_names_in(response.content.decode(errors="replace"), action=url)
            if names:
                return names
    return []


# --- Strategies --------------------------------------------------------------------------------

# Text a person, a paste or an attacker might send, whatever the field.
HOSTILE_TEXT: tuple[str, ...] = (
    "\x00",
    "Sam\x00Jones",
    "a\x00" * 50,
    "line one\nline two",
    "line one\r\nBcc: someone@example.org",
    "\r",
    "\t\x0b\x0c\x1b[31m\x7f",
    '=HYPERLINK("https://example.org","click")',
    "=cmd|' /C calc'!A0",
    "+44 1234",
    "-2+3",
    "@SUM(A1:A2)",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "'; DROP TABLE users; --",
    "%s %d %(name)s",
    "../../etc/passwd",
    "\u202eevil\u202c",
    "\ufeffBOM",
    "Zoë Ångström-Ó'Brien",
    "👩🏽‍⚕️🧒🏻",
    "\U0001d54f" * 40,
    "ǅ ß ﬃ İ",
    " ",
    "   padded   ",
    "",
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "NaN",
    "null",
    "true",
)

# Characters that databases and encoders treat specially, for arbitrary text.
_ALPHABET = st.characters(codec="utf-8")


def _text(max_length: int | None) -> st.SearchStrategy[str]:
    limit = max_length or 300
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(_ALPHABET, max_size=min(limit + 2, 400)),
        st.sampled_from(["x" * limit, "x" * (limit + 1), "é" * limit, "\x00" * limit]),
        st.just("A" * 10_000),
    )


def _plain_text(max_length: int | None, min_length: int | None = None) -> st.SearchStrategy[str]:
    limit = min(max_length or 200, 200)
    least = min(min_length or 1, limit)
    letters = st.characters(min_codepoint=32, max_codepoint=0x2FF, blacklist_categories=["Cc"])
    return st.text(letters, min_size=least, max_size=limit).filter(lambda s: s.strip() != "")


_EMAILS = st.one_of(
    st.sampled_from(
        [
            "sam@example.org",
            "Sam.Jones+news@Example.ORG",
            "fuzz.subscriber@example.org",
            "someone@school.example.org",
        ]
    ),
    st.emails(domains=st.just("example.org")),
)
_BAD_EMAILS = st.sampled_from(
    [
        "not an address",
        "sam@example.org\r\nBcc: x@example.org",
        "sam\x00@example.org",
        "sam@example.org\x00",
        "a" * 250 + "@example.org",
        "a@" + "b" * 252 + ".org",
        "@example.org",
        "sam@",
        "sam@@example.org",
        '"quoted"@example.org',
        "sam@[127.0.0.1]",
        "sam@exämple.org",
        "zoë@example.org",
        "=cmd@example.org",
    ]
)


def _days_from_today() -> st.SearchStrategy[date]:
    return st.integers(-800, 800).map(lambda days: timezone.localdate() + timedelta(days=days))


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d/%m/%y")
_BAD_DATES = st.sampled_from(
    [
        "31/02/2027",
        "29/02/2027",
        "0000-00-00",
        "0001-01-01",
        "9999-12-31",
        "10000-01-01",
        "2027-13-01",
        "27/3",
        "yesterday",
        "2027-03-27T25:61",
        "99999999999999999999",
        "-1/-1/-1",
    ]
)
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S")
_BAD_DATETIMES = st.sampled_from(
    [
        # The hour the clocks skip, and the hour they repeat (Europe/London).
        "2027-03-28 01:30",
        "2027-10-31 01:30",
        "0001-01-01 00:00",
        "9999-12-31 23:59",
        "2027-02-30 09:00",
        "2027-03-27 24:00",
        "2027-03-27",
        "now",
    ]
)


def _formatted(values: st.SearchStrategy[Any], formats: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.tuples(values, st.sampled_from(formats)).map(lambda pair: pair[0].strftime(pair[1]))


def _date_text(formats: tuple[str, ...]) -> st.SearchStrategy[str]:
    return _formatted(_days_from_today(), formats)


def _datetime_text(formats: tuple[str, ...]) -> st.SearchStrategy[str]:
    moments = st.builds(
        lambda day, hour, minute: datetime.combine(day, time(hour, minute)),
        _days_from_today(),
        st.integers(0, 23),
        st.sampled_from([0, 15, 30, 59]),
    )
    return _formatted(moments, formats)


def _choice_values(field: forms.ChoiceField) -> list[str]:
    values: list[str] = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an option group
            values.extend(str(v) for v, _ in label)
        else:
            values.append(str(getattr(value, "value", value)))
    return values


def _integers(field: forms.IntegerField) -> st.SearchStrategy[str]:
    low = field.min_value if isinstance(field.min_value, int) else -(2**31)
    high = field.max_value if isinstance(field.max_value, int) else 2**31
    return st.integers(low, high).map(str)


def _bad_integers(field: forms.IntegerField) -> st.SearchStrategy[str]:
    edges = [
        value
        for bound in (field.min_value, field.max_value)
        if isinstance(bound, int)
        for value in (bound - 1, bound + 1)
    ]
    return st.one_of(
        st.sampled_from(
            [str(v) for v in edges]
            + ["9" * 30, "-" + "9" * 30, str(2**63), str(-(2**63) - 1), "1.5", "1e3", " 7 ", "٣"]
        ),
        st.integers().map(str),
    )


def _model_pks(model: type[models.Model]) -> st.SearchStrategy[str]:
    def existing(_: object) -> st.SearchStrategy[str]:
        pks = [str(pk) for pk in model._base_manager.values_list("pk", flat=True)[:50]]
        return st.sampled_from(pks) if pks else st.just("1")

    return st.just(None).flatmap(existing)


_BAD_PKS = st.sampled_from(["0", "-1", "abc", str(2**63), "9" * 30, "1.0", "1 OR 1=1", "\x00"])


def _csv_files() -> st.SearchStrategy[SimpleUploadedFile]:
    cell = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(_ALPHABET, max_size=30))
    good_row = st.tuples(
        _EMAILS, st.just("Sam"), st.just("newsletter"), _date_text(("%Y-%m-%d",))
    ).map(lambda r: [*r, "paper", "Box 3"])
    rows = st.lists(st.one_of(good_row, st.lists(cell, min_size=0, max_size=8)), max_size=6)
    header = "email,name,topics,consent_date,consent_method,consent_evidence"

    def encode(parts: tuple[list[list[str]], str, bool]) -> bytes:
        body, encoding, with_header = parts
        lines = [header] if with_header else []
        lines += [",".join(f'"{c.replace(chr(34), chr(34) * 2)}"' for c in row) for row in body]
        return "\r\n".join(lines).encode(encoding, errors="replace")

    text_files = st.tuples(
        rows, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]), st.booleans()
    ).map(encode)
    contents = st.one_of(text_files, st.binary(max_size=300), st.just(b""))
    names = st.sampled_from(["subscribers.csv", "x.CSV", "evil.exe", "../../a.csv", "\x00.csv"])
    return st.builds(
        lambda content, name: SimpleUploadedFile(name.replace("\x00", ""), content, "text/csv"),
        contents,
        names,
    )


def _date_boxes(
    field: forms.MultiValueField,
) -> tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]:
    """The GOV.UK date input's boxes (and the time's, for a date and time), as a dict of
    suffix to value that ``_flatten`` spreads over ``<name>_0``, ``<name>_1``..."""
    days = _days_from_today()
    times = st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 59])).map(
        lambda hm: f"{hm[0]:02}:{hm[1]:02}"
    )
    with_time = len(field.fields) == 4
    good = st.builds(
        lambda day, clock: (
            {"_0": str(day.day), "_1": str(day.month), "_2": str(day.year)}
            | ({"_3": clock} if with_time else {})
        ),
        days,
        times,
    )
    box = st.one_of(
        st.sampled_from(["", "0", "31", "13", "99", "2027", "-1", "x", "9:30am"]), _text(10)
    )
    anything = st.fixed_dictionaries({f"_{n}": box for n in range(len(field.fields))})
    return good, st.one_of(good, anything)


def _flatten(data: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            flat.update({f"{name}{suffix}": part for suffix, part in value.items()})
        else:
            flat[name] = value
    return flat


def field_values(field: forms.Field) -> tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]:
    """(values the field should accept, anything at all) for one form field, as POSTed."""
    if isinstance(field, forms.MultiValueField) and isinstance(field.widget, forms.MultiWidget):
        return _date_boxes(field)
    anything: st.SearchStrategy[Any] = _text(getattr(field, "max_length", None))
    if isinstance(field, forms.FileField):
        files = _csv_files()
        return files, st.one_of(files, anything)
    if isinstance(field, forms.ModelMultipleChoiceField):
        pks = _model_pks(field.queryset.model)
        return (
            st.lists(pks, min_size=1, max_size=3),
            st.one_of(st.lists(st.one_of(pks, _BAD_PKS, anything), max_size=4), anything),
        )
    if isinstance(field, forms.ModelChoiceField):
        pks = _model_pks(field.queryset.model)
        return pks, st.one_of(_BAD_PKS, anything)
    if isinstance(field, forms.MultipleChoiceField):
        choices = _choice_values(field) or ["x"]
        return (
            st.lists(st.sampled_from(choices), max_size=len(choices), unique=True),
            st.one_of(st.lists(st.one_of(st.sampled_from(choices), anything), max_size=4)),
        )
    if isinstance(field, forms.ChoiceField):
        choices = _choice_values(field) or [""]
        good = [c for c in choices if c] or choices
        return st.sampled_from(good), st.one_of(st.sampled_from(choices), anything)
    if isinstance(field, forms.BooleanField):
        return (
            st.sampled_from(["on", "true", "1"]),
            st.sampled_from(["", "false", "0", "off", "False", "no", "\x00", "on\x00"]),
        )
    if isinstance(field, forms.IntegerField):
        return _integers(field), st.one_of(_bad_integers(field), anything)
    if isinstance(field, forms.EmailField):
        return _EMAILS, st.one_of(_BAD_EMAILS, anything)
    if isinstance(field, forms.DateTimeField):
        formats = tuple(getattr(field, "input_formats", None) or _DATETIME_FORMATS)
        good = _datetime_text(tuple(f for f in formats if "%H" in f) or _DATETIME_FORMATS)
        return good, st.one_of(_BAD_DATETIMES, _BAD_DATES, anything)
    if isinstance(field, forms.DateField):
        formats = tuple(
            f for f in (getattr(field, "input_formats", None) or _DATE_FORMATS) if "%H" not in f
        )
        return _date_text(formats or _DATE_FORMATS), st.one_of(_BAD_DATES, anything)
    if isinstance(field, forms.SlugField):
        slug = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,40}\Z")
        return slug, anything
    if isinstance(field, forms.CharField):
        return (
            st.one_of(
                _plain_text(field.max_length, field.min_length), st.sampled_from(HOSTILE_TEXT)
            ),
            anything,
        )
    return anything, anything


def post_data(
    fields: dict[str, forms.Field], page_names: list[str], known: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """POST data: each field a valid value or, now and then, anything at all, sometimes left
    out or sent twice; plus, now and then, names the form does not expect."""
    if fields:
        valid = st.fixed_dictionaries({name: field_values(fld)[0] for name, fld in fields.items()})
        broken = st.fixed_dictionaries(
            {},
            optional={
                name: st.one_of(
                    field_values(fld)[1],
                    st.just(None),  # left out
                    st.lists(field_values(fld)[1], min_size=2, max_size=3),  # sent twice
                )
                for name, fld in fields.items()
            },
        )
        base = st.tuples(valid, st.one_of(st.just({}), broken)).map(_merge)
    else:
        names = sorted({*page_names, *known})
        name = (
            st.one_of(st.sampled_from(names), st.text(_ALPHABET, min_size=1, max_size=20))
            if names
            else st.text(_ALPHABET, min_size=1, max_size=20)
        )
        base = st.dictionaries(name, _text(None), max_size=6).map(lambda d: {**known, **d})
    extra = st.dictionaries(
        st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=1, max_size=12),
        _text(None),
        max_size=2,
    )
    return st.tuples(base, st.one_of(st.just({}), extra)).map(lambda pair: {**pair[1], **pair[0]})


def _merge(pair: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    valid, broken = pair
    merged = {**valid, **broken}
    return _flatten({name: value for name, value in merged.items() if value is not None})


# --- Which rows a request wrote ---------------------------------------------------------------

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE
)


class WrittenTables:
    """Records the tables that INSERT, UPDATE and DELETE statements touch (use with
    ``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        match = _WRITE.match(sql)
        if match:
            self.tables.add(match.group(1))
        return execute(sql, params, many, context)


def models_by_table() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}


def _hashable(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


COLUMNS: dict[str, list[str]] = {}


def table_rows(table: str) -> dict[Any, tuple[Any, ...]]:
    """Every row of a table, by primary key (the whole row where the table has none)."""
    model = models_by_table().get(table)
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (a table name from the models)
        columns = COLUMNS[table] = [column[0] for column in cursor.description]
        rows = [tuple(_hashable(v) for v in row) for row in cursor.fetchall()]
    if model is None or model._meta.pk is None or model._meta.pk.column not in columns:
        return {row: row for row in rows}
    at = columns.index(model._meta.pk.column)
    return {row[at]: row for row in rows}


def all_tables() -> list[str]:
    return sorted(connection.introspection.table_names())


@dataclass(frozen=True)
class Change:
    table: str
    key: Any
    how: str  # "added", "changed" or "removed"
    columns: tuple[str, ...] = ()  # for "changed": the columns whose value changed


def changed_rows(before: dict[str, dict[Any, tuple[Any, ...]]], tables: set[str]) -> list[Change]:
    """Each row of ``tables`` that differs from ``before``."""
    changes: list[Change] = []
    for table in sorted(tables):
        old = before.get(table, {})
        new = table_rows(table)
        for key, row in new.items():
            if key not in old:
                changes.append(Change(table, key, "added"))
            elif old[key] != row:
                columns = COLUMNS[table]
                differ = tuple(c for c, a, b in zip(columns, old[key], row, strict=True) if a != b)
                changes.append(Change(table, key, "changed", differ))
        changes.extend(Change(table, key, "removed") for key in old.keys() - new.keys())
    return changes
