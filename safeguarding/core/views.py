from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request, "errors/error.html", {"title": title, "message": message}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Sorry, there is a problem with your request", "Check the address or form and try again.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "You cannot see this page", "Your account does not give access to this page.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Page not found", "If you typed the web address, check it is correct.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "Sorry, there is a problem with the service", "Try again later.")
