"""The public pages every visitor can read, and the error pages.

The privacy, cookies, accessibility and contact pages are interim: later work generates the
privacy notice and cookie table from the data inventory and adds a contact form. Until then
they say so, and show only facts the configuration holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

# Update when the accessibility statement is reviewed (the statement must show this date).
ACCESSIBILITY_STATEMENT_PREPARED = date(2026, 11, 29)


@dataclass(frozen=True)
class StrictlyNecessaryCookie:
    name: str
    purpose: str
    expires: str


def _duration(seconds: int) -> str:
    days = seconds // (24 * 60 * 60)
    if days >= 364:
        years = round(days / 365)
        return "1 year" if years == 1 else f"{years} years"
    if days >= 1:
        return "1 day" if days == 1 else f"{days} days"
    minutes = seconds // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _messages_use_a_cookie() -> bool:
    storage = import_string(settings.MESSAGE_STORAGE)
    # FallbackStorage (Django's default) tries a cookie first, then the session.
    kinds = getattr(storage, "storage_classes", [storage])
    return any(issubclass(kind, CookieStorage) for kind in kinds)


def strictly_necessary_cookies() -> list[StrictlyNecessaryCookie]:
    """The cookies the site sets today, all strictly necessary, named as configured.

    Interim: the cookie registry (P18) replaces this list and the test that keeps it honest.
    """
    session_expiry = (
        "When you close your browser"
        if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        else f"After {_duration(settings.SESSION_COOKIE_AGE)}"
    )
    cookies = [
        StrictlyNecessaryCookie(
            name=settings.SESSION_COOKIE_NAME,
            purpose="Keeps staff signed in as they move from page to page",
            expires=session_expiry,
        ),
        StrictlyNecessaryCookie(
            name=settings.CSRF_COOKIE_NAME,
            purpose="Protects forms from being sent by another website (security)",
            expires=f"After {_duration(settings.CSRF_COOKIE_AGE)}",
        ),
    ]
    if _messages_use_a_cookie():
        cookies.append(
            StrictlyNecessaryCookie(
                name=CookieStorage.cookie_name,
                purpose="Carries a one-off confirmation, such as 'You have signed out', to the "
                "next page",
                expires="As soon as the next page has shown it, or when you close your browser",
            )
        )
    return cookies


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


@require_safe
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/cookies.html", {"cookies": strictly_necessary_cookies()})


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/accessibility.html",
        {"statement_prepared": ACCESSIBILITY_STATEMENT_PREPARED},
    )


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/contact.html")


# --- Error pages (handler400/403/404/500 in safeguarding/config/urls.py) ----------------------


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "errors/error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        400,
        "Sorry, there is a problem with your request",
        "Check the address or form and try again.",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 403, "You cannot see this page", "Your account does not give access to this page."
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 404, "Page not found", "If you typed the web address, check it is correct."
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "Sorry, there is a problem with the service", "Try again later.")
