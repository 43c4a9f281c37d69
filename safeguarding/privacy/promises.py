"""The privacy engine's promise checks (the inventory, lawful bases, rights, retention,
access, callers and authorisations), registered with ``safeguarding.core.promises``; the
other apps register theirs in their own ``promises`` modules."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, F, Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import User
from safeguarding.audit.verify import verify_chain
from safeguarding.core.promises import Outcome, promise
from safeguarding.inventory import checks, purposes
from safeguarding.inventory.declarations import personal_fields
from safeguarding.inventory.taxonomy import is_forbidden_use
from safeguarding.privacy.models.identity import (
    Authorisation,
    AuthorisationUse,
    DisclosureRecord,
    SecurityQuestion,
)
from safeguarding.privacy.retention.engine import (
    retention_not_automated,
    retention_overdue_count,
    retention_plans,
)


def _inventory_errors(*ids: str) -> list[str]:
    return [error.msg for error in checks.check_inventory() if error.id in ids]


@promise("P01")
def only_necessary_data() -> tuple[Outcome, str]:
    errors = _inventory_errors(
        "inventory.E001", "inventory.E002", "inventory.E003", "inventory.E005"
    )
    if errors:
        return Outcome.FAIL, f"{len(errors)} inventory gap(s), first: {errors[0]}"
    count = sum(1 for _ in personal_fields())
    return (
        Outcome.PASS,
        f"every field of every model is declared; {count} personal fields, each with a purpose",
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
        return Outcome.FAIL, f"purposes not declared: {', '.join(missing)}"
    return Outcome.PASS, "training_delivery and newsletter purposes declared"


@promise("P06")
def no_third_party_marketing() -> tuple[Outcome, str]:
    forbidden = [p.key for p in purposes.all_purposes() if is_forbidden_use(p.data_use)]
    if forbidden:
        return Outcome.FAIL, f"purposes for marketing or sharing: {', '.join(forbidden)}"
    return Outcome.PASS, "no purpose uses marketing.advertising, sales or third-party sharing"


@promise("P07")
def disclosures_registered() -> tuple[Outcome, str]:
    model = DisclosureRecord
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
    # Workspace memberships and the read log are checked by the workspaces app's part of P10.
    enrolled = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    without_mfa = User.objects.filter(is_active=True, last_login__isnull=False).exclude(
        pk__in=enrolled
    )
    chain = verify_chain()
    if without_mfa.exists() or not chain.ok:
        return Outcome.FAIL, (
            f"{without_mfa.count()} active account(s) signed in without MFA enrolled; "
            f"audit chain ok: {chain.ok}"
        )
    return Outcome.PASS, (
        f"every signed-in account has MFA; audit chain intact over {chain.checked} entries"
    )


@promise("P11")
def security_questions() -> tuple[Outcome, str]:
    model = SecurityQuestion
    answers = model.objects.all()
    unhashed = answers.exclude(answer_hash__startswith="argon2$").exclude(
        answer_hash__startswith="pbkdf2_sha256$"
    )
    if unhashed.exists():
        return Outcome.FAIL, f"{unhashed.count()} security answer(s) not stored as a password hash"
    return Outcome.PASS, f"{answers.count()} security answer(s), every one stored hashed"


@promise("P12")
def authorisations() -> tuple[Outcome, str]:
    model = Authorisation
    one_offs = model.objects.filter(kind="verbal_one_off")
    reused = one_offs.annotate(times=Count("uses")).filter(times__gt=1).count()
    if reused:
        return Outcome.FAIL, f"{reused} one-off instruction(s) used more than once"
    # A written authorisation is relied on only once a second person has approved it.
    unapproved_uses = (
        AuthorisationUse.objects.filter(authorisation__kind="written")
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
