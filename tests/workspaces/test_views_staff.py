"""The workspace pages, used as a lead and as members: giving, ending and confirming access,
documents, information-sharing decisions, and who has seen the workspace."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.workspaces import documents
from safeguarding.workspaces.models import (
    Document,
    LawfulBasis,
    Membership,
    MembershipRole,
    ReadLog,
    SharingDecision,
    Workspace,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

LEAD, MEMBER, REVIEWER = MembershipRole.LEAD, MembershipRole.MEMBER, MembershipRole.REVIEWER
LONDON = ZoneInfo("Europe/London")


def url(name: str, workspace: Workspace, **kwargs: Any) -> str:
    return reverse(f"workspaces:{name}", kwargs={"pk": workspace.pk, **kwargs})


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def as_lead(lead: User) -> Client:
    return client_for(lead)


def _date(day: date) -> dict[str, str]:
    return {"last_day_0": str(day.day), "last_day_1": str(day.month), "last_day_2": str(day.year)}


def _error_summary(response: Any) -> str:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    return html


# --- Members -----------------------------------------------------------------------------------


def test_the_members_page_lists_who_has_access_with_dates_in_words(
    workspace: Workspace, lead: User, grant, make_user, clock
) -> None:
    clock.move_to(datetime(2026, 12, 7, 10, tzinfo=LONDON))
    panel = make_user(full_name="Priya Panel")
    grant(panel, REVIEWER, expires_at=datetime(2027, 3, 1, tzinfo=LONDON), reason="Health rep")

    response = client_for(panel).get(url("members", workspace))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Priya Panel (you)" in html
    assert "Health rep" in html
    assert "Reviewer" in html
    assert "28 February 2027" in html  # the last day of access, not the moment it ends
    assert "7 December 2026" in html
    assert "Give someone access" not in html  # leads only
    assert url("member_remove", workspace, membership_pk=1) not in html


def test_a_lead_gives_access_choosing_a_person_by_name(
    workspace: Workspace, lead: User, as_lead: Client, make_user, clock
) -> None:
    clock.move_to(datetime(2026, 12, 7, 10, tzinfo=LONDON))
    person = make_user(full_name="Dee Police")
    form = as_lead.get(url("member_add", workspace))
    assert "Dee Police" in form.content.decode()
    assert lead.full_name not in form.content.decode().split('name="user"')[1].split("</select>")[0]

    response = as_lead.post(
        url("member_add", workspace),
        {
            "user": person.pk,
            "role": "member",
            "reason": "Police panel member",
            **_date(date(2027, 1, 31)),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("members", workspace)
    membership = Membership.objects.get(workspace=workspace, user=person)
    assert (membership.role, membership.reason, membership.granted_by) == (
        MEMBER,
        "Police panel member",
        lead,
    )
    assert membership.expires_at == datetime(2027, 2, 1, tzinfo=LONDON)
    assert AuditEntry.objects.filter(action="workspaces.membership.granted").count() == 1
    page = as_lead.get(url("members", workspace)).content.decode()
    assert "Dee Police now has access." in page
    assert "31 January 2027" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"user": ""}, "Select the person who needs access"),
        ({"role": ""}, "Select a role"),
        ({"reason": " "}, "Enter why this person needs access"),
        (_date(date(2020, 1, 1)), "Last day of access must be today or in the future"),
        ({"last_day_0": "31", "last_day_1": "2", "last_day_2": "2027"}, "must be a real date"),
        ({"role": "lead", **_date(date(2030, 1, 1))}, "A lead&#x27;s access has no end date"),
        ({"user": "999999999"}, "Select a person from the list"),
    ],
)
def test_wrong_input_to_the_grant_form_gives_the_error_summary_and_400(
    workspace: Workspace, as_lead: Client, make_user, data: dict[str, str], message: str
) -> None:
    person = make_user()
    posted = {"user": str(person.pk), "role": "member", "reason": "Panel", **data}

    response = as_lead.post(url("member_add", workspace), posted)

    assert response.status_code == 400
    assert message in _error_summary(response)
    assert not Membership.objects.filter(user=person).exists()


def test_the_lead_is_not_offered_themselves_nor_anyone_who_has_access(
    workspace: Workspace, lead: User, as_lead: Client, grant, make_user
) -> None:
    member = make_user(full_name="Already Here")
    grant(member)
    make_user(full_name="Disabled Person", is_active=False)

    html = as_lead.get(url("member_add", workspace)).content.decode()
    options = html.split('name="user"')[1].split("</select>")[0]

    assert "Already Here" not in options
    assert "Disabled Person" not in options
    assert lead.email not in options
    response = as_lead.post(
        url("member_add", workspace), {"user": lead.pk, "role": "member", "reason": "Me"}
    )
    assert response.status_code == 400


def test_a_lead_removes_someone_with_a_reason_after_a_confirmation_page(
    workspace: Workspace, lead: User, as_lead: Client, grant, make_user
) -> None:
    person = make_user(full_name="Sam Leaving")
    membership = grant(person)
    remove = url("member_remove", workspace, membership_pk=membership.pk)

    page = as_lead.get(remove)
    assert page.status_code == 200
    assert "Remove Sam Leaving" in page.content.decode()
    refused = as_lead.post(remove, {"reason": ""})
    assert refused.status_code == 400
    assert "Enter why this person" in _error_summary(refused)

    response = as_lead.post(remove, {"reason": "Left the panel"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.revoked_by, membership.revocation_reason) == (lead, "Left the panel")
    assert client_for(person).get(url("members", workspace)).status_code == 404
    assert as_lead.get(remove).status_code == 404  # no longer a live membership
    ended = as_lead.get(url("members", workspace)).content.decode()
    assert "Access that has ended" in ended
    assert "Left the panel" in ended


def test_the_last_lead_cannot_leave(workspace: Workspace, lead: User, as_lead: Client) -> None:
    own = Membership.objects.get(workspace=workspace, user=lead)

    response = as_lead.post(
        url("member_remove", workspace, membership_pk=own.pk), {"reason": "Moving on"}
    )

    assert response.status_code == 400
    assert "only lead" in _error_summary(response)
    own.refresh_from_db()
    assert own.revoked_at is None


def test_a_membership_of_another_workspace_is_not_found_here(
    workspace: Workspace, as_lead: Client, make_workspace, make_user
) -> None:
    other = make_workspace()
    other_lead = Membership.objects.get(workspace=other)

    remove = url("member_remove", workspace, membership_pk=other_lead.pk)
    confirm = url("member_confirm", workspace, membership_pk=other_lead.pk)
    assert (as_lead.get(remove).status_code, as_lead.post(confirm).status_code) == (404, 404)


def test_a_lead_confirms_a_member_still_needs_access(
    workspace: Workspace, lead: User, as_lead: Client, grant, make_user, clock
) -> None:
    clock.move_to(datetime(2026, 9, 1, 10, tzinfo=LONDON))
    membership = grant(make_user(full_name="Kim Keep"))
    clock.move_to(datetime(2026, 12, 7, 10, tzinfo=LONDON), tick=False)

    response = as_lead.post(url("member_confirm", workspace, membership_pk=membership.pk))

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.confirmed_at == datetime(2026, 12, 7, 10, tzinfo=LONDON)
    page = as_lead.get(url("members", workspace)).content.decode()
    assert "You have confirmed that Kim Keep still needs access." in page


def test_a_lead_cannot_confirm_their_own_access(
    workspace: Workspace, lead: User, as_lead: Client
) -> None:
    own = Membership.objects.get(workspace=workspace, user=lead)

    response = as_lead.post(url("member_confirm", workspace, membership_pk=own.pk), follow=True)

    assert "Another lead must confirm your own access." in response.content.decode()
    assert not AuditEntry.objects.filter(action="workspaces.membership.confirmed").exists()


def test_confirming_is_a_post_only(workspace: Workspace, lead: User, as_lead: Client) -> None:
    own = Membership.objects.get(workspace=workspace, user=lead)
    assert as_lead.get(url("member_confirm", workspace, membership_pk=own.pk)).status_code == 405


# --- Documents ---------------------------------------------------------------------------------


def test_a_member_adds_a_document_and_members_download_it_as_an_attachment(
    workspace: Workspace, grant, make_user
) -> None:
    author, reader = make_user(), make_user()
    grant(author, MEMBER)
    grant(reader, REVIEWER)

    response = client_for(author).post(
        url("document_add", workspace),
        {"title": "Health chronology", "file": SimpleUploadedFile("x.pdf", b"Plain notes.\n")},
    )

    assert response.status_code == 302
    document = Document.objects.get()
    listing = client_for(reader).get(url("documents", workspace)).content.decode()
    assert "Health chronology" in listing
    assert "Add a document" not in listing  # reviewers only read
    assert ReadLog.objects.filter(
        user=reader, target_type="workspaces.document", purpose="list documents"
    ).exists()

    download = client_for(reader).get(url("document_download", workspace, document_pk=document.pk))

    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="health-chronology.txt"'
    assert download["Cache-Control"] == "no-store"
    assert download.content == b"Plain notes.\n"
    assert ReadLog.objects.filter(
        user=reader,
        target_type="workspaces.document",
        target_id=str(document.pk),
        purpose="download",
    ).exists()


def test_a_file_of_the_wrong_kind_is_refused_with_the_error_summary_and_nothing_stored(
    workspace: Workspace, as_lead: Client
) -> None:
    response = as_lead.post(
        url("document_add", workspace),
        {"title": "Script", "file": SimpleUploadedFile("a.txt", b"MZ\x90\x00\x03\x00binary")},
    )

    assert response.status_code == 400
    assert "The file must be a PDF, Word (DOCX)" in _error_summary(response)
    assert not Document.objects.exists()


def test_a_document_is_downloaded_only_through_its_own_workspace(
    workspace: Workspace, lead: User, as_lead: Client, make_workspace, make_user
) -> None:
    other = make_workspace(lead=lead)
    document = documents.document_upload(
        workspace=other,
        title="Elsewhere",
        upload=SimpleUploadedFile("a.txt", b"Other notes\n"),
        actor=lead,
    )

    wrong = as_lead.get(url("document_download", workspace, document_pk=document.pk))
    right = as_lead.get(url("document_download", other, document_pk=document.pk))

    assert (wrong.status_code, right.status_code) == (404, 200)


def test_an_outsider_gets_404_for_every_page_and_download(
    workspace: Workspace, lead: User, grant, make_user, administrator
) -> None:
    member = make_user()
    membership = grant(member)
    document = documents.document_upload(
        workspace=workspace,
        title="Minutes",
        upload=SimpleUploadedFile("a.txt", b"Minutes\n"),
        actor=lead,
    )
    pages = [
        ("members", {}),
        ("member_add", {}),
        ("member_remove", {"membership_pk": membership.pk}),
        ("documents", {}),
        ("document_add", {}),
        ("document_download", {"document_pk": document.pk}),
        ("sharing", {}),
        ("sharing_new", {}),
        ("who_has_seen", {}),
    ]
    reads = ReadLog.objects.count()
    for outsider in (make_user(), administrator):
        client = client_for(outsider)
        for name, kwargs in pages:
            assert client.get(url(name, workspace, **kwargs)).status_code == 404, name
            assert client.post(url(name, workspace, **kwargs), {}).status_code in (404, 405), name
        confirm = url("member_confirm", workspace, membership_pk=membership.pk)
        assert client.post(confirm).status_code == 404
    assert ReadLog.objects.count() == reads


# --- Information-sharing decisions -------------------------------------------------------------


def _decision(**changes: str) -> dict[str, str]:
    data = {
        "shared": "yes",
        "information": "School attendance and welfare concerns",
        "recipient_organisation": "Northshire Children's Services",
        "purpose": "For the strategy discussion",
        "means": "Secure email",
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "consent_sought": "no",
        "consent_not_sought_reason": "Asking would put the child at greater risk",
        "rationale": "The child is at risk of significant harm.",
    }
    data.update(changes)
    return data


def test_sharing_without_consent_is_not_blocked_it_asks_for_the_manager(
    workspace: Workspace, grant, make_user
) -> None:
    member, manager = make_user(), make_user(full_name="Mo Manager")
    grant(member, MEMBER)
    client = client_for(member)

    refused = client.post(url("sharing_new", workspace), _decision())
    assert refused.status_code == 400
    assert "Select the manager who authorised sharing without consent" in _error_summary(refused)

    response = client.post(
        url("sharing_new", workspace),
        _decision(
            authorised_by=str(manager.pk),
            other_person_1="The neighbour",
            other_person_1_harm="on",
            other_person_1_harm_reason="Threatened by the father",
        ),
    )

    assert response.status_code == 302
    decision = SharingDecision.objects.get()
    assert (decision.decided_by, decision.authorised_by, decision.without_consent) == (
        member,
        manager,
        True,
    )
    (party,) = decision.third_parties.all()
    assert (party.description, party.harm_if_disclosed) == ("The neighbour", True)
    listing = client.get(url("sharing", workspace)).content.decode()
    assert "Without consent" in listing
    assert "Harm if disclosed" in listing
    assert "Mo Manager" in listing
    assert ReadLog.objects.filter(target_type="workspaces.sharingdecision").exists()


def test_a_decision_not_to_share_needs_no_manager(workspace: Workspace, as_lead: Client) -> None:
    response = as_lead.post(
        url("sharing_new", workspace),
        _decision(shared="no", means="", consent_sought="yes", consent_given="no"),
    )

    assert response.status_code == 302
    assert SharingDecision.objects.get().shared is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"information": ""}, "Enter what information was shared, or asked for"),
        ({"rationale": ""}, "Enter the reasons for the decision"),
        ({"other_person_1_harm": "on"}, "Enter who the other person is"),
        (
            {"other_person_1": "Aunt", "other_person_1_harm": "on"},
            "Enter why this person might be harmed",
        ),
    ],
)
def test_a_decision_with_something_missing_gives_the_error_summary(
    workspace: Workspace, as_lead: Client, make_user, changes: dict[str, str], message: str
) -> None:
    data = _decision(authorised_by=str(make_user().pk), **changes)

    response = as_lead.post(url("sharing_new", workspace), data)

    assert response.status_code == 400
    assert message in _error_summary(response)
    assert not SharingDecision.objects.exists()


# --- Who has seen this workspace ---------------------------------------------------------------


def test_the_lead_sees_who_has_read_the_workspace_and_what_changed(
    workspace: Workspace, lead: User, as_lead: Client, grant, make_user, clock
) -> None:
    clock.move_to(datetime(2026, 12, 7, 10, tzinfo=LONDON))
    reader = make_user(full_name="Rae Reader")
    grant(reader, REVIEWER)
    client_for(reader).get(url("documents", workspace))
    client_for(reader).get(url("members", workspace))

    response = as_lead.get(url("who_has_seen", workspace))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Rae Reader" in html
    assert "7 December 2026" in html
    assert "Documents" in html or "documents" in html
    assert "Access to a workspace was given" in html  # from the audit trail
    assert "A restricted workspace was opened" in html
    assert client_for(reader).get(url("who_has_seen", workspace)).status_code == 403


def test_outsiders_reads_are_never_shown_because_they_never_happen(
    workspace: Workspace, as_lead: Client, make_user
) -> None:
    stranger = make_user(full_name="Stan Stranger")
    client_for(stranger).get(url("members", workspace))

    assert "Stan Stranger" not in as_lead.get(url("who_has_seen", workspace)).content.decode()
