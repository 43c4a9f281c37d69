"""The cookie registry: every cookie and browser-storage key this site can set (P18, P19, P21).

The cookies page, the cookie banner, the consent cookie's policy version, ``check_promises`` and
the browser crawl (``tests/browser/test_cookie_crawl.py``, which fails on any cookie or storage
key the site sets that is not declared here) all read this one list. It is built from the
settings, so a renamed session cookie or a configured Google Analytics ID shows up here, and
on the cookies page, without anyone editing a table by hand.

There are only two categories. An advertising category cannot be declared (P24): there is no
such member of ``Category`` to give a cookie.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import cache

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

CONSENT_COOKIE_NAME = "cookies_policy"
CONSENT_LIFETIME = timedelta(days=365)

ANALYTICS_SCRIPT_HOST = "www.googletagmanager.com"
# Where gtag.js sends measurements (its regional collection hosts are subdomains of these).
ANALYTICS_HOSTS = (
    ANALYTICS_SCRIPT_HOST,
    "*.google-analytics.com",
    "*.analytics.google.com",
)


class Category(StrEnum):
    STRICTLY_NECESSARY = "strictly necessary"
    ANALYTICS = "analytics"

    @property
    def heading(self) -> str:
        if self is Category.STRICTLY_NECESSARY:
            return "Strictly necessary cookies"
        return "Analytics cookies (optional)"


class Storage(StrEnum):
    COOKIE = "cookie"
    LOCAL_STORAGE = "local storage"
    SESSION_STORAGE = "session storage"


@dataclass(frozen=True)
class DeclaredCookie:
    """One cookie or storage key. ``lifetime`` None means it ends when the browser closes.

    ``with_suffix`` declares a family of names: the name itself and ``name_<anything>``, as
    Google Analytics adds the measurement or container ID to some of its cookie names.
    """

    name: str
    category: Category
    purpose: str
    set_by: str
    lifetime: timedelta | None
    storage: Storage = Storage.COOKIE
    with_suffix: bool = False

    def matches(self, name: str, storage: Storage = Storage.COOKIE) -> bool:
        if storage is not self.storage:
            return False
        return name == self.name or (self.with_suffix and name.startswith(f"{self.name}_"))

    @property
    def shown_name(self) -> str:
        return f"{self.name}, {self.name}_…" if self.with_suffix else self.name

    @property
    def expires(self) -> str:
        if self.lifetime is None:
            return "When you close your browser"
        return f"After {lifetime_in_words(self.lifetime)}"


def lifetime_in_words(lifetime: timedelta) -> str:
    seconds = int(lifetime.total_seconds())
    days, rest = divmod(seconds, 24 * 60 * 60)
    if days >= 364:
        years = round(days / 365)
        return "1 year" if years == 1 else f"{years} years"
    if days >= 2:
        return f"{days} days"
    if days == 1 and rest == 0:
        return "24 hours"
    hours = seconds // 3600
    if hours >= 1:
        return "1 hour" if hours == 1 else f"{hours} hours"
    minutes = seconds // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def analytics_id() -> str:
    """The configured Google Analytics measurement ID (validated by the settings), or ""."""
    return str(settings.GOOGLE_ANALYTICS_ID or "")


def analytics_configured() -> bool:
    return bool(analytics_id())


def _messages_use_a_cookie() -> bool:
    storage = import_string(settings.MESSAGE_STORAGE)
    # FallbackStorage (Django's default) tries a cookie first, then the session.
    kinds = getattr(storage, "storage_classes", [storage])
    return any(issubclass(kind, CookieStorage) for kind in kinds)


def _strictly_necessary() -> list[DeclaredCookie]:
    site = f"This site ({settings.PARTNERSHIP['short_name']})"
    session_lifetime = (
        None
        if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        else timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    cookies = [
        DeclaredCookie(
            name=settings.SESSION_COOKIE_NAME,
            category=Category.STRICTLY_NECESSARY,
            purpose="Keeps staff signed in as they move from page to page, and remembers where "
            "you are in a form that takes more than one page",
            set_by=site,
            lifetime=session_lifetime,
        ),
        DeclaredCookie(
            name=settings.CSRF_COOKIE_NAME,
            category=Category.STRICTLY_NECESSARY,
            purpose="Protects the forms on this site from being sent by another website",
            set_by=site,
            lifetime=timedelta(seconds=settings.CSRF_COOKIE_AGE),
        ),
    ]
    if _messages_use_a_cookie():
        cookies.append(
            DeclaredCookie(
                name=CookieStorage.cookie_name,
                category=Category.STRICTLY_NECESSARY,
                purpose="Carries a one-off confirmation, such as 'You have signed out', to the "
                "next page",
                set_by=site,
                lifetime=None,
            )
        )
    if analytics_configured():
        # Only a site that offers a choice has a choice to remember.
        cookies.append(
            DeclaredCookie(
                name=CONSENT_COOKIE_NAME,
                category=Category.STRICTLY_NECESSARY,
                purpose="Remembers whether you accepted or rejected analytics cookies, and "
                "which version of this cookie policy you answered",
                set_by=site,
                lifetime=CONSENT_LIFETIME,
            )
        )
    return cookies


def _analytics() -> list[DeclaredCookie]:
    """Google Analytics 4 (gtag.js), with the lifetimes the privacy notice states (P21)."""
    google = "Google Analytics, on our behalf"
    return [
        DeclaredCookie(
            name="_ga",
            category=Category.ANALYTICS,
            purpose="Tells one visit from another, so we can count how many people visit and "
            "which pages they read",
            set_by=google,
            lifetime=timedelta(days=730),
            with_suffix=True,
        ),
        DeclaredCookie(
            name="_gid",
            category=Category.ANALYTICS,
            purpose="Tells one visit from another over a single day",
            set_by=google,
            lifetime=timedelta(hours=24),
        ),
        DeclaredCookie(
            name="_gat",
            category=Category.ANALYTICS,
            purpose="Limits how often measurements are sent",
            set_by=google,
            lifetime=timedelta(minutes=1),
            with_suffix=True,
        ),
        DeclaredCookie(
            name="_gac",
            category=Category.ANALYTICS,
            purpose="Records which campaign link, if any, brought you to the site",
            set_by=google,
            lifetime=timedelta(days=90),
            with_suffix=True,
        ),
    ]


def registry() -> list[DeclaredCookie]:
    """Every cookie and storage key the site can set, as configured now."""
    declared = _strictly_necessary()
    if analytics_configured():
        declared += _analytics()
    return declared


def by_category() -> dict[Category, list[DeclaredCookie]]:
    """The registry grouped for the cookies page; a category with no cookies is absent."""
    grouped: dict[Category, list[DeclaredCookie]] = {}
    for cookie in registry():
        grouped.setdefault(cookie.category, []).append(cookie)
    return grouped


def declaration_for(name: str, storage: Storage = Storage.COOKIE) -> DeclaredCookie | None:
    return next((cookie for cookie in registry() if cookie.matches(name, storage)), None)


def analytics_cookie_names_in(names: list[str]) -> list[str]:
    """Which of the browser's cookie names are analytics cookies this site can remove (also
    after analytics has been switched off, so cookies left from before are removed too)."""
    analytics = _analytics()
    return [name for name in names if any(cookie.matches(name) for cookie in analytics)]


def policy_version() -> str:
    """A short fingerprint of the optional cookies and what they are for.

    The consent cookie carries it; a new category, cookie or purpose changes it, so everyone's
    earlier answer lapses and the banner asks again.
    """
    # Every request reads it (the consent cookie is checked against it), so it is worked out
    # once for what it depends on: whether analytics is configured, and the declaration of
    # the analytics cookies (the function itself, which only a test replaces).
    return _policy_version(analytics_configured(), _analytics)


@cache
def _policy_version(analytics: bool, declared: object) -> str:
    optional = sorted(
        (str(cookie.category), cookie.name, cookie.purpose)
        for cookie in registry()
        if cookie.category is not Category.STRICTLY_NECESSARY
    )
    digest = hashlib.sha256(repr(optional).encode()).hexdigest()
    return digest[:12]


@receiver(setting_changed)
def _forget_policy_version(**kwargs: object) -> None:
    _policy_version.cache_clear()
