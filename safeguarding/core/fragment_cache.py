"""Pages, and parts of them, that are the same for every visitor, kept in a cache.

**Pages** (``cached_page``): a public page asked for with GET by an anonymous visitor is
rendered once per *variant* and kept; each later request fills in only its own parts. A
variant is everything the page is rendered from besides the data: its address (with the
query, for a page keyed on it), the visitor's cookie consent (first visit, accepted, rejected,
a choice just made, Global Privacy Control) and the language. The per-request parts are the
CSP nonce and the CSRF token: the page is rendered with a random placeholder for each, cut
into pieces there, and a request joins the pieces around its own nonce and token (asking for
them as a rendered page would, so the CSP header carries the nonce and the CSRF cookie is
set). Anything that could make a page one visitor's own is rendered normally and never kept:
a POST, a session cookie (a signed-in person), a message to show, a query the page is not
keyed on, a response that is not a plain 200 page, or one that set cookies or wrote the session.

**Fragments** (``cached_fragment``): the part of a page built from the database, shared by
every variant of it (the catalogue's course list), so a new variant renders only the layout.

Anything shown from the database is stored under a *version* the caller reads from the
database before building it (``core.content_versions``: a number the database raises on
every change to what the page shows), so nothing cached is older than the data: a change makes
a new version, and the old entries are never read again. What a page shows can also change
with the clock alone (a session starts, bookings close): the builder says until when it holds
(``Fragment.valid_until``, or ``holds_until`` from a page's view), and an entry read outside
[built at, valid until) is built again. Nothing about a visitor is ever stored.

**Layouts** (``layout_pieces``, used by ``{% cached_layout %}`` in ``base.html``): what every
page has around its own content (head, header, staff navigation, footer) is rendered once per
variant of the layout and kept, cut where each request puts its own parts: the CSP nonce, the
CSRF token, and the blocks the page fills (its title and content, the messages, the cookie
banner). This is for every page, a signed-in person's too: a layout's variant holds only what
its template declares it varies on (the set of tools in the staff navigation and which is
current, not who is signed in), never anything about a person.

Pages and layouts are kept in this process's memory, not in the shared cache: they hold the
code's and the settings' work (the addresses of the static files change with each release),
which other processes need not share, and one served from memory costs no unpickling (with
Redis, no round trip). They are forgotten with each change of settings, and all at once when
there are ``MAX_PAGES`` pages or ``MAX_LAYOUTS`` layouts (junk queries cannot fill memory);
pages also after ``TIMEOUT_SECONDS`` like fragments (a layout shows no data, so it holds for
the life of the process).

The ``fragments`` cache is separate from the default one, so a flood of entries can never
evict the rate-limit counters.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import cache, wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.translation import get_language

CACHE_ALIAS = "fragments"
# Entries also expire by themselves, so nothing stays in Redis long after its version.
TIMEOUT_SECONDS = 600
# Longer queries are answered without the cache, so junk parameters cannot fill it.
MAX_CACHED_QUERY = 300
# While a page is rendered to be kept, the request carries its CSRF token's placeholder here
# (core.context_processors.csrf_placeholder gives it to the template as ``csrf_token``).
CSRF_PLACEHOLDER_ATTRIBUTE = "_page_cache_csrf_placeholder"

# How many variants of pages, and of layouts, a process keeps before it forgets them all and
# starts again.
MAX_PAGES = 500
MAX_LAYOUTS = 500

_NONCE, _TOKEN = b"n", b"t"
# The moments until which what the page being rendered shows holds (see holds_until).
_holds_until: ContextVar[list[datetime] | None] = ContextVar("page_holds_until", default=None)


@receiver(setting_changed)
def forget_pages(**kwargs: Any) -> None:
    """Forget every page and layout this process keeps (settings changed; each test starts
    afresh)."""
    _pages.clear()
    _layouts.clear()


@dataclass(frozen=True)
class Fragment:
    """Rendered parts of a page (``{"title": ..., "content": ...}``) and until when they
    hold with no change in the database (None: until the data changes)."""

    parts: dict[str, str]
    valid_until: datetime | None = None


def holds_until(moment: datetime | None) -> None:
    """Say, from a view, that what its page shows changes with the clock alone at ``moment``
    (the page is rendered again from then on)."""
    moments = _holds_until.get()
    if moments is not None and moment is not None:
        moments.append(moment)


def _fresh(built_at: datetime, valid_until: datetime | None, now: datetime) -> bool:
    return built_at <= now and (valid_until is None or now < valid_until)


def cached_fragment(
    namespace: str, version: int | None, key: str, build: Callable[[], Fragment]
) -> dict[str, str]:
    """The parts of the fragment ``namespace``/``key`` at ``version``, built by ``build``
    when absent or out of date. ``version`` None (no version to key on) always builds."""
    if version is None:
        fragment = build()
        holds_until(fragment.valid_until)
        return fragment.parts
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    cache_key = f"{namespace}:{version}:{digest}"
    store = caches[CACHE_ALIAS]
    now = timezone.now()
    stored = store.get(cache_key)
    if stored is not None:
        parts, built_at, valid_until = stored
        if _fresh(built_at, valid_until, now):
            holds_until(valid_until)
            return parts  # type: ignore[no-any-return]
    fragment = build()
    store.set(cache_key, (fragment.parts, now, fragment.valid_until), TIMEOUT_SECONDS)
    holds_until(fragment.valid_until)
    return fragment.parts


# --- Layouts ---------------------------------------------------------------------------------

# Where a request's own part goes in a layout kept for its variant: a mark of this process,
# the part's name ("nonce", "token", or the name of a block the page fills), and a colon.
_MARK = secrets.token_hex(16)
_MARKED = re.compile(f"{_MARK}:([A-Za-z0-9_]+):")
NONCE_SLOT, TOKEN_SLOT = "nonce", "token"


def layout_mark(slot: str) -> str:
    """What a layout being built shows where ``slot`` goes."""
    return f"{_MARK}:{slot}:"


# This process's layouts by language and variant, already cut at their slots.
_layouts: dict[tuple[str, str], tuple[str, ...]] = {}


def layout_pieces(variant: str, build: Callable[[], str]) -> tuple[str, ...]:
    """The layout of ``variant``: its own text and the names of the slots a request fills, in
    turn (``(text, slot, text, ...)``). ``build`` renders it with ``layout_mark(slot)`` at each
    slot, when it is not kept yet; it must show nothing about a person.

    Kept in this process's memory like pages (see the module's doc): every staff page reads
    its layout, and one from memory costs no unpickling and no cutting."""
    key = (get_language(), variant)
    pieces = _layouts.get(key)
    if pieces is None:
        pieces = tuple(_MARKED.split(build()))
        if len(_layouts) >= MAX_LAYOUTS:
            _layouts.clear()
        _layouts[key] = pieces
    return pieces


@contextmanager
def nonce_placeholder(request: HttpRequest, placeholder: str) -> Iterator[None]:
    """``request.csp_nonce`` reads ``placeholder`` for a while, then its own nonce again
    (which django-csp makes only if something asks for it)."""
    real_nonce = request.__dict__.get("csp_nonce")
    request.csp_nonce = placeholder  # type: ignore[attr-defined]  # django-csp's
    try:
        yield
    finally:
        if real_nonce is None:
            del request.csp_nonce  # type: ignore[attr-defined]  # django-csp's
        else:
            request.csp_nonce = real_nonce  # type: ignore[attr-defined]  # django-csp's


# --- Whole pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    """A rendered page cut at its per-request parts: ``pieces`` alternate between the page's
    own bytes and a placeholder's name (_NONCE or _TOKEN)."""

    pieces: tuple[bytes, ...]
    status: int
    headers: tuple[tuple[str, str], ...]
    built_at: datetime
    valid_until: datetime | None


# This process's pages by address, query, consent, language and data version.
_PageKey = tuple[str, str, str, str, int | None]
_pages: dict[_PageKey, _Page] = {}


def _still_good(page: _Page, now: datetime) -> bool:
    return _fresh(page.built_at, page.valid_until, now) and (
        (now - page.built_at).total_seconds() < TIMEOUT_SECONDS
    )


def _filled(pieces: tuple[bytes, ...] | list[bytes], request: HttpRequest) -> bytes:
    """The page for ``request``: its own nonce and CSRF token, asked for as a template would
    (so the CSP header names the nonce and the CSRF cookie is set)."""
    if len(pieces) == 1:
        return pieces[0]
    nonce = token = b""
    out = []
    for number, piece in enumerate(pieces):
        if number % 2 == 0:
            out.append(piece)
        elif piece == _NONCE:
            nonce = nonce or str(request.csp_nonce).encode()  # type: ignore[attr-defined]  # django-csp's
            out.append(nonce)
        else:
            token = token or get_token(request).encode()
            out.append(token)
    return b"".join(out)


def _page_key(
    request: HttpRequest, version: Callable[[], int] | None, query: bool
) -> _PageKey | None:
    """The page's key for this request, or None when it must be rendered for this visitor."""
    if request.method not in ("GET", "HEAD") or not settings.PUBLIC_PAGE_CACHE:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None  # someone may be signed in, or has a message to see
    query_string = request.META.get("QUERY_STRING", "")
    if query_string and (not query or len(query_string) > MAX_CACHED_QUERY):
        return None
    decided = getattr(request, "cookie_consent", None)
    if decided is None:
        return None
    # The consent's repr names every field of the frozen dataclass (a new one too).
    return (
        request.path,
        query_string,
        repr(decided),
        get_language(),
        version() if version else None,
    )


@cache
def _plain_response_attributes() -> frozenset[str]:
    return frozenset(vars(HttpResponse(status=200)))


def _keepable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether a response holds nothing of this visitor's but the nonce and token."""
    if type(response) is not HttpResponse or response.status_code != 200 or response.cookies:
        return False
    if not set(vars(response)) <= _plain_response_attributes():
        return False  # a view's note to the middleware (its own CSP, framing ...)
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not (
        getattr(messages, "_queued_messages", None) or getattr(messages, "_loaded_data", None)
    )


def _render_for_keeping(
    view: Callable[..., HttpResponseBase], request: HttpRequest, *args: Any, **kwargs: Any
) -> tuple[_Page | None, HttpResponseBase]:
    """The view's response for this request, and the page to keep if it may be kept."""
    nonce, token_placeholder = secrets.token_hex(16), secrets.token_hex(16)
    setattr(request, CSRF_PLACEHOLDER_ATTRIBUTE, token_placeholder)
    moments: list[datetime] = []
    watching = _holds_until.set(moments)
    built_at = timezone.now()
    try:
        with nonce_placeholder(request, nonce):
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
    finally:
        _holds_until.reset(watching)
        delattr(request, CSRF_PLACEHOLDER_ATTRIBUTE)
    if not isinstance(response, HttpResponse):  # streamed: nothing to fill in, nothing kept
        return None, response
    cut = re.split(f"({nonce}|{token_placeholder})".encode(), response.content)
    pieces = [
        piece if number % 2 == 0 else (_NONCE if piece == nonce.encode() else _TOKEN)
        for number, piece in enumerate(cut)
    ]
    response.content = _filled(pieces, request)
    if not _keepable(request, response):
        return None, response
    page = _Page(
        pieces=tuple(pieces),
        status=response.status_code,
        headers=tuple(response.headers.items()),
        built_at=built_at,
        valid_until=min(moments, default=None),
    )
    return page, response


def cached_page(
    *, version: Callable[[], int] | None = None, query: bool = False
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Serve a public page's GET from the cache (see the module's doc). ``version`` reads the
    version of the data the page shows, if it shows any; ``query``: the page is keyed on its
    query string (otherwise an address with a query is rendered each time). The view must
    show nothing about the visitor beyond what the variant holds."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def serve(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            key = _page_key(request, version, query)
            if key is None:
                return view(request, *args, **kwargs)
            stored = _pages.get(key)
            if stored is not None and _still_good(stored, timezone.now()):
                served = HttpResponse(_filled(stored.pieces, request), status=stored.status)
                for name, value in stored.headers:
                    served.headers[name] = value
                return served
            page, response = _render_for_keeping(view, request, *args, **kwargs)
            if page is not None:
                if len(_pages) >= MAX_PAGES:
                    _pages.clear()
                _pages[key] = page
            return response

        return serve

    return decorator
