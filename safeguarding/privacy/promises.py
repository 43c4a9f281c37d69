"""Each promise of the privacy notice, checked against the live database and configuration.

``check_promises`` prints one line per promise: PASS or FAIL with the evidence, or NOT YET
BUILT for promises whose features later work delivers. A check must look at real state; a
promise with nothing to look at yet says so rather than passing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, F, Q

from safeguarding.inventory import checks, purposes
from safeguarding.inventory.taxonomy import is_forbidden_use


class Outcome(StrEnum):
    PASS = "PASS"  # noqa: S105  (an outcome, not a password)
    FAIL = "FAIL"
    NOT_YET_BUILT = "NOT YET BUILT"


@dataclass(frozen=True)
class Result:
    promise: str
    outcome: Outcome
    evidence: str


Check = Callable[[], tuple[Outcome, str]]
_checks: dict[str, Check] = {}


def promise(key: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        _checks[key] = check
        return check

    return register


def not_yet(reason: str) -> tuple[Outcome, str]:
    return Outcome.NOT_YET_BUILT, reason


def _optional(module: str, name: str) -> Any:
    """A function another part of the privacy engine provides, if it is built."""
    try:
        return getattr(import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _inventory_errors(*ids: str) -> list[str]:
    return [error.msg for error in checks.check_inventory() if error.id in ids]


@promise("P01")
def only_necessary_data() -> tuple[Outcome, str]:
    errors = _inventory_errors(
        "inventory.E001", "inventory.E002", "inventory.E003", "inventory.E005"
    )
    if errors:
        return Outcome.FAIL, f"{len(errors)} inventory gap(s), first: {errors[0]}"
    from safeguarding.inventory.declarations import personal_fields

    count = sum(1 for _ in personal_fields())
    form_problems = _optional("safeguarding.training.evidence", "booking_form_problems")
    overbooked = _optional("safeguarding.training.evidence", "overbooked_sessions")
    if form_problems is None or overbooked is None:
        return not_yet("the training booking form")
    problems = form_problems()
    if problems:
        return Outcome.FAIL, f"training booking form: {problems[0]}"
    sessions = overbooked()
    if sessions:
        return Outcome.FAIL, f"training sessions over capacity: {sessions}"
    return (
        Outcome.PASS,
        f"every field of every model is declared; {count} personal fields, each with a "
        "purpose; the booking form asks only name, work email, organisation, its type, role "
        "and optional access needs (a manager's email only where approval is needed); "
        "no session holds more places than its capacity",
    )


@promise("P02")
def lawful_bases() -> tuple[Outcome, str]:
    errors = _inventory_errors("inventory.E006", "inventory.E010")
    if errors:
        return Outcome.FAIL, errors[0]
    count = len(purposes.all_purposes())
    return (
        Outcome.PASS,
        f"{count} purposes, each with an Art 6 basis; special category data has an Art 9 condition",
    )


@promise("P03")
def training_and_newsletter_purposes() -> tuple[Outcome, str]:
    missing = [key for key in ("training_delivery", "newsletter") if purposes.get(key) is None]
    if missing:
        return not_yet(
            f"purposes {', '.join(missing)} arrive with the training and newsletter features"
        )
    return Outcome.PASS, "training_delivery and newsletter purposes declared"


@promise("P04")
def case_records() -> tuple[Outcome, str]:
    return not_yet("case review and CDOP workspaces (need-to-know access layer exists)")


@promise("P05")
def information_sharing_decisions() -> tuple[Outcome, str]:
    return not_yet("information-sharing decisions arrive with case reviews")


@promise("P06")
def no_third_party_marketing() -> tuple[Outcome, str]:
    forbidden = [p.key for p in purposes.all_purposes() if is_forbidden_use(p.data_use)]
    if forbidden:
        return Outcome.FAIL, f"purposes for marketing or sharing: {', '.join(forbidden)}"
    return Outcome.PASS, "no purpose uses marketing.advertising, sales or third-party sharing"


@promise("P07")
def disclosures_registered() -> tuple[Outcome, str]:
    model = _model("privacy.DisclosureRecord")
    if model is None:
        return not_yet("the disclosure register")
    approved = model.objects.filter(approved_by__isnull=False)
    self_approved = approved.filter(approved_by=F("recorded_by")).count()
    if self_approved:
        return (
            Outcome.FAIL,
            f"{self_approved} disclosure(s) approved by the person who recorded them",
        )
    waiting = model.objects.filter(approved_by__isnull=True).count()
    return Outcome.PASS, (
        f"{approved.count()} approved disclosure(s), each approved by a second person; "
        f"{waiting} awaiting approval"
    )


@promise("P08")
def retention_applied() -> tuple[Outcome, str]:
    from safeguarding.privacy.retention import (
        retention_not_automated,
        retention_overdue_count,
        retention_plans,
    )

    count = retention_overdue_count()
    if count:
        return Outcome.FAIL, f"{count} record(s) past retention without a legal hold"
    manual = retention_not_automated()
    if manual:
        labels = ", ".join(f"{label} ({why})" for label, _, why in manual)
        return Outcome.FAIL, (
            f"{len(manual)} record type(s) whose rule deletes or anonymises are not disposed "
            f"of automatically: {labels}"
        )
    automated = sum(1 for plan in retention_plans() if plan.automated)
    return Outcome.PASS, (
        f"0 records past retention without a legal hold; all {automated} record types whose "
        "rule deletes or anonymises are disposed of automatically"
    )


@promise("P09")
def contact_details() -> tuple[Outcome, str]:
    try:
        validate_email(settings.PARTNERSHIP["contact_email"])
    except (ValidationError, KeyError, TypeError):
        return Outcome.FAIL, "PARTNERSHIP_CONTACT_EMAIL is not a valid address"
    return Outcome.PASS, "contact email configured and shown in the generated notice"


@promise("P10")
def need_to_know() -> tuple[Outcome, str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguarding.accounts.models import RecordMembership, User
    from safeguarding.audit.verify import verify_chain

    enrolled = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    without_mfa = User.objects.filter(is_active=True, last_login__isnull=False).exclude(
        pk__in=enrolled
    )
    ungranted = RecordMembership.objects.filter(reason="").count()
    chain = verify_chain()
    if without_mfa.exists() or ungranted or not chain.ok:
        return Outcome.FAIL, (
            f"{without_mfa.count()} active account(s) signed in without MFA enrolled; "
            f"{ungranted} membership(s) without a reason; audit chain ok: {chain.ok}"
        )
    return Outcome.PASS, (
        f"every signed-in account has MFA; every membership has a grantor and reason; "
        f"audit chain intact over {chain.checked} entries"
    )


@promise("P11")
def security_questions() -> tuple[Outcome, str]:
    model = _model("privacy.SecurityQuestion")
    if model is None:
        return not_yet("caller identity checks")
    answers = model.objects.all()
    unhashed = answers.exclude(answer_hash__startswith="argon2$").exclude(
        answer_hash__startswith="pbkdf2_sha256$"
    )
    if unhashed.exists():
        return Outcome.FAIL, f"{unhashed.count()} security answer(s) not stored as a password hash"
    return Outcome.PASS, f"{answers.count()} security answer(s), every one stored hashed"


@promise("P12")
def authorisations() -> tuple[Outcome, str]:
    model = _model("privacy.Authorisation")
    if model is None:
        return not_yet("authorisation records")
    one_offs = model.objects.filter(kind="verbal_one_off")
    reused = one_offs.annotate(times=Count("uses")).filter(times__gt=1).count()
    if reused:
        return Outcome.FAIL, f"{reused} one-off instruction(s) used more than once"
    # A written authorisation is relied on only once a second person has approved it.
    unapproved_uses = (
        _model("privacy.AuthorisationUse")
        .objects.filter(authorisation__kind="written")
        .filter(
            Q(authorisation__approved_at__isnull=True)
            | Q(authorisation__approved_at__gt=F("used_at"))
            | Q(authorisation__approved_by=F("authorisation__recorded_by"))
        )
        .count()
    )
    if unapproved_uses:
        return Outcome.FAIL, (
            f"{unapproved_uses} use(s) of a written authorisation not approved by a second person"
        )
    return Outcome.PASS, (
        f"{model.objects.count()} authorisation(s); no one-off instruction used more than once; "
        "every written one relied on was approved by a second person first"
    )


@promise("P13")
def controller_and_processor() -> tuple[Outcome, str]:
    partnership = settings.PARTNERSHIP
    if not partnership.get("controller") or not partnership.get("name"):
        return Outcome.FAIL, "controller or processor name is not configured"
    return Outcome.PASS, (
        f"processor {partnership['short_name']}, controller {partnership['controller']}; "
        "Article 30(2) record generated"
    )


@promise("P14")
def statutory_organisations() -> tuple[Outcome, str]:
    if not settings.PARTNERSHIP.get("statutory_organisations"):
        return Outcome.FAIL, "no text for statutory organisations is configured"
    return Outcome.PASS, "the notice directs statutory organisations to their own safeguarding lead"


@promise("P15")
def freedom_of_information() -> tuple[Outcome, str]:
    return _public_check("freedom_of_information")


def _public_check(name: str) -> tuple[Outcome, str]:
    """One of the public site's checks (safeguarding/public/promise_checks.py)."""
    check = import_module("safeguarding.public.promise_checks")
    kept, evidence = getattr(check, name)()
    return (Outcome.PASS if kept else Outcome.FAIL), evidence


@promise("P18")
def every_cookie_declared() -> tuple[Outcome, str]:
    return _public_check("every_cookie_declared")


@promise("P19")
def strictly_necessary_cookies() -> tuple[Outcome, str]:
    return _public_check("strictly_necessary_declared_as_such")


@promise("P20")
def analytics_after_opt_in() -> tuple[Outcome, str]:
    return _public_check("analytics_only_after_opt_in")


@promise("P21")
def analytics_cookie_lifetimes() -> tuple[Outcome, str]:
    return _public_check("analytics_lifetimes_as_notice_says")


@promise("P16")
def newsletter_consent() -> tuple[Outcome, str]:
    from safeguarding.newsletter.promises import unconsented_deliveries

    purpose = purposes.get("newsletter")
    if purpose is None or purpose.lawful_basis != "6(1)(a) consent":
        return Outcome.FAIL, "the newsletter purpose is missing or not based on consent"
    checked, unconsented = unconsented_deliveries()
    if unconsented:
        return Outcome.FAIL, (
            f"{unconsented} message(s) sent without a confirmed consent for the campaign's topic"
        )
    return Outcome.PASS, (
        f"{checked} message(s) sent in the consent-evidence window, each with a confirmed, "
        "unwithdrawn consent for its topic at the time it was sent"
    )


@promise("P17")
def newsletter_unsubscribe() -> tuple[Outcome, str]:
    from safeguarding.newsletter.promises import one_click_problems, suppression_problems

    problems = one_click_problems() + suppression_problems()
    if problems:
        return Outcome.FAIL, "; ".join(problems)
    return Outcome.PASS, (
        "every campaign message carries List-Unsubscribe (HTTPS and mailto) with "
        "List-Unsubscribe-Post One-Click and body links; the one-click URL takes a POST "
        "without a session or CSRF token; suppressions are keyed hashes and none is mailable"
    )


@promise("P22")
def browser_session_cookie() -> tuple[Outcome, str]:
    return _public_check("session_cookie_ends_with_the_browser")


@promise("P23")
def refusing_cookies() -> tuple[Outcome, str]:
    return _public_check("works_with_only_necessary_cookies")


@promise("P24")
def no_advertising_scripts() -> tuple[Outcome, str]:
    return _public_check("no_advertising")


def check_all() -> list[Result]:
    results = []
    for key in sorted(_checks, key=lambda k: int(k[1:])):
        outcome, evidence = _checks[key]()
        results.append(Result(key, outcome, evidence))
    return results
