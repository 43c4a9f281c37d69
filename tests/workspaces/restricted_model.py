"""A small restricted model that exists only in the tests, to exercise need-to-know."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.generic import DetailView

from safeguarding.workspaces.models import Workspace
from safeguarding.workspaces.selectors import RestrictedRecordMixin


class CaseFile(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=100)

    class Meta:
        app_label = "tests_restricted"

    def __str__(self) -> str:
        return self.title


class CaseFileDetail(RestrictedRecordMixin, DetailView):
    model = CaseFile
    read_purpose = "view case file"

    def render_to_response(self, context: dict, **kwargs: object) -> HttpResponse:
        return HttpResponse(self.object.title)


def case_file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return CaseFileDetail.as_view()(request, pk=pk)


urlpatterns = [path("staff/case-files/<int:pk>/", case_file_detail)]
