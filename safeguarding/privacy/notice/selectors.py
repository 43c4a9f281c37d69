"""The public privacy notice and the Article 30 record, generated from the data inventory.

Nothing here is hand-maintained where the inventory knows the answer: purposes, categories,
lawful bases, retention periods and recipients all come from the declarations, so the notice
changes when the code does. Each distinct notice is versioned by a digest of its content.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import cache

from django.conf import settings
from fideslang.default_taxonomy import DEFAULT_TAXONOMY

from safeguarding.inventory import purposes, retention_rules
from safeguarding.inventory.declarations import personal_fields
from safeguarding.inventory.taxonomy import is_forbidden_use
from safeguarding.privacy.models import NoticeVersion

# Plain-English names for the categories we use; others fall back to fideslang's own name.
PLAIN_CATEGORIES = {
    "user.contact.email": "email address",
    "user.name": "name",
    "user.unique_id": "reference numbers that link records to you",
    "user.account": "account details, such as when you last signed in",
    "user.account.settings": "roles and access settings",
    "user.authorization": "records of sign-in attempts",
    "user.authorization.password": "a scrambled (hashed) copy of your password",
    "user.authorization.credentials": "security secrets, kept scrambled or encrypted",
    "user.device": "the description your browser gives of itself",
    "user.device.ip_address": "your device's internet (IP) address",
    "user.device.cookie_id": "a session cookie identifier",
    "user.content.private": "notes and reasons recorded about an action",
    "system.operations": "dates and times of actions",
    "user.contact.organization": "the organisation you work for",
    "user.job_title": "your job or role",
    "user.workplace": "your workplace",
    "user.health_and_medical": "health information, such as access needs",
    "user.childrens": "information about children",
}


@cache
def _fides_category_names() -> dict[str, str]:
    return {
        category.fides_key: category.name or category.fides_key
        for category in DEFAULT_TAXONOMY.data_category
    }


def category_in_words(key: str) -> str:
    return PLAIN_CATEGORIES.get(key) or _fides_category_names().get(key, key).lower()


@dataclass(frozen=True)
class PurposeSection:
    key: str
    name: str
    description: str
    data_use: str
    lawful_basis: str
    special_condition: str
    categories: tuple[str, ...]
    special_categories: tuple[str, ...]
    subjects: tuple[str, ...]
    retention: tuple[str, ...]
    recipients: tuple[str, ...]


def purpose_sections() -> list[PurposeSection]:
    """One section per purpose that some declared personal field uses."""
    categories: dict[str, set[str]] = defaultdict(set)
    special: dict[str, set[str]] = defaultdict(set)
    subjects: dict[str, set[str]] = defaultdict(set)
    rules: dict[str, set[str]] = defaultdict(set)
    for field in personal_fields():
        categories[field.purpose].add(category_in_words(field.category))
        if field.special_category:
            special[field.purpose].add(category_in_words(field.category))
        subjects[field.purpose].add(str(field.subject))
        rules[field.purpose].add(field.retention)
    sections = []
    for purpose in purposes.all_purposes():
        if purpose.key not in categories:
            continue
        retention = []
        for key in sorted(rules[purpose.key]):
            rule = retention_rules.get(key)
            if rule is not None and rule.action is retention_rules.Action.KEEP:
                retention.append(rule.period_in_words)
            elif rule is not None:
                retention.append(f"{rule.period_in_words} after {rule.trigger}")
        sections.append(
            PurposeSection(
                key=purpose.key,
                name=purpose.name,
                description=purpose.description,
                data_use=purpose.data_use,
                lawful_basis=str(purpose.lawful_basis),
                special_condition=str(purpose.special_condition or ""),
                categories=tuple(sorted(categories[purpose.key])),
                special_categories=tuple(sorted(special[purpose.key])),
                subjects=tuple(sorted(subjects[purpose.key])),
                retention=tuple(sorted(set(retention))),
                recipients=purpose.recipients,
            )
        )
    return sections


@dataclass(frozen=True)
class Notice:
    partnership: dict[str, str]
    sections: tuple[PurposeSection, ...]
    third_party_marketing: bool  # always False: the checks refuse such a purpose (P06)
    legal_disclosures: bool

    def digest(self) -> str:
        content = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(content.encode()).hexdigest()


def build_notice() -> Notice:
    sections = tuple(purpose_sections())
    return Notice(
        partnership={key: str(value) for key, value in settings.PARTNERSHIP.items()},
        sections=sections,
        third_party_marketing=any(is_forbidden_use(s.data_use) for s in sections),
        legal_disclosures=purposes.get("legal_disclosures") is not None,
    )


def published_version(notice: Notice) -> tuple[int, NoticeVersion] | None:
    """This notice's version number and record, if it has been published (a read only:
    ``privacy.notice.services.notice_publish`` records it, when the release is migrated)."""
    version = NoticeVersion.objects.filter(digest=notice.digest()).first()
    if version is None:
        return None
    number = NoticeVersion.objects.filter(published_at__lte=version.published_at).count()
    return number, version


# --- Article 30 ------------------------------------------------------------------------------

ART30_COLUMNS = (
    "Purpose",
    "Controller",
    "Processor",
    "Data use (fideslang)",
    "Lawful basis (Art 6)",
    "Special category condition (Art 9 / DPA 2018 Sch 1)",
    "Data subjects",
    "Categories of personal data",
    "Recipients",
    "Retention",
    "Transfers outside the UK",
)


def article_30_rows() -> list[tuple[str, ...]]:
    partnership = settings.PARTNERSHIP
    rows: list[tuple[str, ...]] = []
    for section in purpose_sections():
        rows.append(
            (
                section.name,
                str(partnership["controller"]),
                f"{partnership['name']} ({partnership['short_name']})",
                section.data_use,
                section.lawful_basis,
                section.special_condition or "None: no special category data",
                "; ".join(section.subjects),
                "; ".join(section.categories),
                "; ".join(section.recipients) or "None outside the partnership",
                "; ".join(section.retention),
                "None",
            )
        )
    return rows


SECURITY_MEASURES = (
    "Staff sign in with a password and an authenticator app (TOTP); there is no way round it.",
    "Accounts lock after 10 failed attempts; sessions end after 30 idle minutes or 12 hours.",
    "Restricted records are visible only to named members, granted by a named person with a "
    "reason; every read is recorded.",
    "A tamper-evident audit trail (HMAC hash chain, checked by audit_verify) records every "
    "sign-in, change, grant and read of a restricted record.",
    "Passwords are hashed with Argon2; recovery codes and security answers are stored hashed.",
    "Data is kept no longer than its retention rule, then deleted or anonymised with a receipt.",
    "HTTPS only, with HSTS, a strict content security policy and secure cookies.",
)
