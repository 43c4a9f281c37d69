"""The shape of every form page, written once: show the form; on a valid POST call one
service; a ``ValidationError`` from the service lands on the form; otherwise say what happened
and redirect (post/redirect/get).

    return form_page(
        request,
        SessionForm(posted(request)),
        template="training/staff/session_form.html",
        context={"course": course},
        service=lambda data: session_create(actor=actor, course=course, fields=data),
        message="Session created.",
        success_url=lambda session: reverse("training:staff_session", args=[session.pk]),
    )

A form shown again with errors is answered 400, so a client (and a test) can tell a refused
submission from a page shown for the first time; the page itself is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

T = TypeVar("T")


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    template: str,
    service: Callable[[dict[str, Any]], T],
    success_url: str | Callable[[T], str],
    message: str | Callable[[T], str] | None = None,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Render ``form`` in ``template``; on a valid POST run ``service(cleaned_data)``.

    ``service`` raises ``ValidationError`` to refuse: a message, a list, or a dict keyed by
    field name (each lands on its field, the rest at the top of the error summary).
    ``message`` and ``success_url`` may be functions of what the service returned.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = service(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if message is not None:
                messages.success(request, message(result) if callable(message) else message)
            url = success_url(result) if callable(success_url) else success_url
            return HttpResponseRedirect(url)
    page = {"form": form, **(context or {})}
    return render(request, template, page, status=form_status(form))


def form_status(*forms_shown: forms.BaseForm | None) -> int:
    """The status of a page showing ``forms_shown``: 400 when any of them is shown again with
    errors (a refused submission), otherwise 200. For views that cannot use ``form_page``:
    ``render(request, template, context, status=form_status(form))``."""
    return 400 if any(form is not None and form.errors for form in forms_shown) else 200


class RefusedFormAnswers400:
    """For Django's class-based form views (sign-in, password reset): a form shown again with
    errors answers 400, as ``form_page`` does. Put it first among the bases; a view that needs
    another status (429 when throttled) sets it on the response after ``super()``."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its field where it names one the form has,
    otherwise at the top of the error summary."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message.messages)
    else:
        form.add_error(None, error.messages)
