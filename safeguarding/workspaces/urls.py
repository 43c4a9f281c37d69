"""The pages every kind of workspace shares, under staff/workspaces/<workspace id>/ (each path
written in full, so that every URL pattern names all its own arguments)."""

from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, path

from safeguarding.workspaces import views_staff

app_name = "workspaces"


def _in_workspace(route: str, view: Callable[..., HttpResponse], name: str) -> URLPattern:
    return path(f"staff/workspaces/<int:pk>/{route}", view, name=name)


urlpatterns: list[URLPattern] = [
    _in_workspace("members/", views_staff.members, "members"),
    _in_workspace("members/add/", views_staff.member_add, "member_add"),
    _in_workspace(
        "members/<int:membership_pk>/remove/", views_staff.member_remove, "member_remove"
    ),
    _in_workspace(
        "members/<int:membership_pk>/confirm/", views_staff.member_confirm, "member_confirm"
    ),
    _in_workspace("documents/", views_staff.document_list, "documents"),
    _in_workspace("documents/add/", views_staff.document_add, "document_add"),
    _in_workspace(
        "documents/<int:document_pk>/", views_staff.document_download, "document_download"
    ),
    _in_workspace("sharing-decisions/", views_staff.sharing, "sharing"),
    _in_workspace("sharing-decisions/new/", views_staff.sharing_new, "sharing_new"),
    _in_workspace("who-has-seen/", views_staff.who_has_seen, "who_has_seen"),
]
