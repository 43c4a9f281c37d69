"""The CDOP secretariat's staff pages (MFA enforced by middleware), under /staff/child-deaths/.

Any member of staff sees the dashboard of the cases they are a member of; a CDOP coordinator
records notifications, takes in the online ones and arranges panel meetings. Every page of a
case is for its live members only: anyone else, administrators included, gets 404, and every
page is read through ``selectors`` (logged). Leads and members change things; reviewers read;
only a lead closes a case. Pages are never cached (``core.middleware``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import staff_user, staff_user_with_role, user_has_role
from safeguarding.audit.services import audit_read
from safeguarding.cdop import selectors, services
from safeguarding.cdop.forms_staff import (
    ActionForm,
    AgendaDecisionForm,
    AnalysisForm,
    AttendanceForm,
    ConfirmForm,
    FamilyAnswerForm,
    FamilyMemberForm,
    FamilyQuestionForm,
    JointAgencyResponseForm,
    KeyWorkerForm,
    MeetingForm,
    NcmdSentForm,
    NotifyForm,
    ReasonForm,
    ReviewMeetingForm,
    analysis_initial,
)
from safeguarding.cdop.models import (
    STAGE_ORDER,
    Decision,
    FamilyQuestion,
    Notification,
    PanelMeeting,
    Stage,
)
from safeguarding.cdop.services import ChildDetails, FamilyContact, Notified
from safeguarding.core.form_views import form_page
from safeguarding.core.forms import posted
from safeguarding.workspaces import kinds
from safeguarding.workspaces.models import MembershipRole
from safeguarding.workspaces.record_pages import WRITERS, RecordPages
from safeguarding.workspaces.selectors import membership_of, require_role
from safeguarding.workspaces.sharing import events_on_record

FORM_TEMPLATE = "cdop/staff/form.html"
NOT_FOUND = "No such page"
SECRETARIAT = (Role.CDOP_COORDINATOR,)
NOTIFY_INTRO = (
    "The panel reviews the death of every child who dies before their 18th birthday and "
    "lived in the area, or died in it where agreed. Stillbirths, late foetal losses and "
    "lawful terminations of pregnancy are not reviewed. A new review opens with you as its "
    "lead; a child who already has one (the same NHS number) is linked to it instead."
)


# --- Who is asking ----------------------------------------------------------------------------


PAGES = RecordPages("cdop:case", FORM_TEMPLATE, selectors.case_for)
member_case = PAGES.member
writer_case = PAGES.writer
case_form = PAGES.form
_case_url = PAGES.url


# --- The dashboard ----------------------------------------------------------------------------


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    board = selectors.dashboard(
        user, today=today, stage=request.GET.get("stage"), page=request.GET.get("page")
    )
    secretariat = user_has_role(user, *SECRETARIAT)
    return render(
        request,
        "cdop/staff/dashboard.html",
        {
            "board": board,
            "page": board.page,
            "page_query": f"stage={board.stage.value}&" if board.stage else "",
            # A review's page is this page's address and its id (cdop/urls.py): one
            # reverse() a page rather than one a row.
            "home": reverse("cdop:dashboard"),
            "today": today,
            "secretariat": secretariat,
        },
    )


# --- Notifications ----------------------------------------------------------------------------


def _notified_url(actor: User) -> Callable[[Notified], str]:
    def url(notified: Notified) -> str:
        if membership_of(actor, notified.case.workspace) is None:
            return reverse("cdop:dashboard")
        return _case_url(notified.case, "notifications" if notified.linked else "")

    return url


def _notified_message(notified: Notified) -> str:
    if notified.linked:
        return (
            f"This child already has a review, {notified.case.reference} (the NHS number "
            "matches): the notification was added to it instead of opening another."
        )
    return f"Review {notified.case.reference} opened. You lead it."


@require_http_methods(["GET", "HEAD", "POST"])
def notify(request: HttpRequest) -> HttpResponse:
    actor = staff_user_with_role(request, *SECRETARIAT)
    form = NotifyForm(posted(request))
    return form_page(
        request,
        form,
        template=FORM_TEMPLATE,
        context={
            "title": "Notify a child's death",
            "button": "Record the notification",
            "intro": NOTIFY_INTRO,
        },
        service=lambda data: services.notify_death(
            child=form.child(), notifier=form.notifier(), actor=actor
        ),
        message=_notified_message,
        success_url=_notified_url(actor),
    )


@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    actor = staff_user_with_role(request, *SECRETARIAT)
    waiting = list(selectors.waiting_notifications())
    audit_read(
        actor=actor,
        what="cdop.notifications",
        purpose="online notifications waiting for the secretariat",
        records=len(waiting),
    )
    return render(
        request,
        "cdop/staff/inbox.html",
        {"notifications": [(n, ChildDetails.from_json(n.details)) for n in waiting]},
    )


def _waiting(request: HttpRequest, pk: int, *, purpose: str) -> tuple[User, Notification]:
    """An online notification still waiting for the secretariat (404 once dealt with)."""
    actor = staff_user_with_role(request, *SECRETARIAT)
    notification = selectors.waiting_notifications().filter(pk=pk).first()
    if notification is None:
        raise Http404(NOT_FOUND)
    audit_read(actor=actor, what="cdop.notifications", purpose=purpose, records=1)
    return actor, notification


@require_http_methods(["GET", "HEAD", "POST"])
def notification(request: HttpRequest, pk: int) -> HttpResponse:
    """One online notification: what it says, and a button that opens a case from it (or
    links it to the child's case, if one has opened since)."""
    actor, waiting = _waiting(request, pk, purpose="an online notification")
    return form_page(
        request,
        ConfirmForm(posted(request)),
        template="cdop/staff/notification.html",
        context={"notification": waiting, "child": ChildDetails.from_json(waiting.details)},
        service=lambda data: services.notification_open_case(notification=waiting, actor=actor),
        message=_notified_message,
        success_url=_notified_url(actor),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def notification_discard(request: HttpRequest, pk: int) -> HttpResponse:
    actor, waiting = _waiting(request, pk, purpose="remove an online notification")
    return form_page(
        request,
        ReasonForm(
            posted(request),
            label="Why the notification is being removed",
            hint="For example, it was sent in error, or it repeats one already taken in.",
        ),
        template=FORM_TEMPLATE,
        context={
            "title": "Remove the online notification",
            "button": "Remove the notification",
            "back": reverse("cdop:notification", args=[waiting.pk]),
            "intro": "It opens no case and is deleted; the audit trail keeps your reason.",
        },
        service=lambda data: services.notification_discard(
            notification=waiting, reason=data["reason"], actor=actor
        ),
        message="The notification was removed.",
        success_url=reverse("cdop:inbox"),
    )


# --- One case ---------------------------------------------------------------------------------


@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    purpose = "view the review"
    user, case = member_case(request, pk, purpose=purpose)
    membership = require_role(user, case.workspace)
    today = timezone.localdate()
    records = selectors.case_records(case, user=user, purpose=purpose)
    members, questions = selectors.family_of(case, user=user)
    reached = {record.stage: record for record in case.stage_records.all()}
    may_change = membership.role in WRITERS and not case.is_closed
    return render(
        request,
        "cdop/staff/case.html",
        {
            "case": case,
            "today": today,
            "records": records,
            "stages": [(stage, reached.get(stage)) for stage in STAGE_ORDER],
            "timeliness": selectors.timeliness(case, today=today),
            "forms": selectors.reporting_forms_of(case, user=user),
            "family": members,
            "questions": questions,
            "may_change": may_change,
            "may_write": membership.role in WRITERS,
            "is_lead": membership.role == MembershipRole.LEAD,
            "before_panel": STAGE_ORDER.index(Stage(case.stage))
            < STAGE_ORDER.index(Stage.READY_FOR_PANEL),
            "has_review_meeting": Stage.REVIEW_MEETING in reached,
            "referral_url": kinds.home_url(case.referred_to) if case.referred_to else None,
            "shared": events_on_record(case.workspace, user=user, purpose=purpose),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def joint_agency_response(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="record the joint agency response")
    current = selectors.case_records(case, user=actor, purpose="record the joint agency response")
    response = current.joint_agency_response
    initial = (
        {"started_on": response.started_on, "agencies": response.agencies, "notes": response.notes}
        if response
        else {}
    )
    return case_form(
        request,
        case,
        JointAgencyResponseForm(posted(request), initial=initial),
        title="Joint agency response",
        intro="For an unexpected death: when the response began, and the agencies in it.",
        service=lambda data: services.jar_record(case=case, actor=actor, **data),
        message="The joint agency response was saved.",
        section="stages",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def review_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="record the review meeting")
    return case_form(
        request,
        case,
        ReviewMeetingForm(posted(request)),
        title="Child death review meeting",
        service=lambda data: services.review_meeting_record(case=case, actor=actor, **data),
        message="The child death review meeting was recorded.",
        section="stages",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def mark_ready(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="make the review ready for the panel")
    return case_form(
        request,
        case,
        ConfirmForm(posted(request)),
        title="Ready for the panel",
        intro=(
            "The information is gathered and the review meeting held: the case goes on the "
            "agenda of the next panel meeting whose agenda is built."
        ),
        service=lambda data: services.case_mark_ready(case=case, actor=actor),
        message="The review is ready for the panel.",
        section="stages",
        button="Make it ready for the panel",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def analysis(request: HttpRequest, pk: int) -> HttpResponse:
    purpose = "the panel's analysis"
    actor, case = writer_case(request, pk, purpose=purpose)
    current = selectors.case_records(case, user=actor, purpose=purpose).analysis
    form = AnalysisForm(posted(request), initial=analysis_initial(current) if current else None)
    complete = request.POST.get("complete") == "yes"
    return case_form(
        request,
        case,
        form,
        title="The panel's analysis",
        intro=(
            "Save as you go. Completing it needs the category and every domain, and the case "
            "is then recorded as reviewed by the panel."
        ),
        service=lambda data: services.analysis_save(
            case=case, data=form.analysis(), actor=actor, complete=complete
        ),
        message="The analysis was completed." if complete else "The analysis was saved.",
        section="analysis",
        template="cdop/staff/analysis.html",
        completed=current is not None and current.is_complete,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def analysis_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="reopen the analysis")
    return case_form(
        request,
        case,
        ReasonForm(posted(request), label="Why the analysis is being reopened"),
        title="Reopen the analysis",
        intro="The case goes back to ready for the panel until the analysis is completed again.",
        service=lambda data: services.analysis_reopen(case=case, actor=actor, **data),
        message="The analysis was reopened.",
        section="analysis",
        button="Reopen the analysis",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="add an action")
    return case_form(
        request,
        case,
        ActionForm(posted(request)),
        title="Add an action",
        service=lambda data: services.action_add(case=case, actor=actor, **data),
        message="The action was added.",
        section="actions",
        button="Add the action",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="close the review", roles=(MembershipRole.LEAD,))
    return case_form(
        request,
        case,
        ConfirmForm(posted(request)),
        title="Close the review",
        intro=(
            "Nothing more can be recorded once it closes, and reporting forms still "
            "outstanding are withdrawn. The case file stays under the legal hold. Record "
            "the date it goes to the National Child Mortality Database afterwards."
        ),
        service=lambda data: services.case_close(case=case, actor=actor),
        message="The review was closed.",
        button="Close the review",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def ncmd_sent(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="record the NCMD submission")
    initial = {"sent_on": case.ncmd_sent_on} if case.ncmd_sent_on else {}
    return case_form(
        request,
        case,
        NcmdSentForm(posted(request), initial=initial),
        title="Sent to the National Child Mortality Database",
        service=lambda data: services.ncmd_sent_record(case=case, actor=actor, **data),
        message="The date it was sent was recorded.",
        section="closure",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="refer to the safeguarding partners")
    return case_form(
        request,
        case,
        ReasonForm(posted(request), label="Why abuse or neglect is suspected"),
        title="Refer to the safeguarding partners",
        intro=(
            "This opens a serious incident notification in a case review, which you will "
            "lead, with the child's identity carried over. The two are linked both ways."
        ),
        service=lambda data: services.case_refer(case=case, actor=actor, **data),
        message="The referral was made: a case review was opened.",
        section="referral",
        button="Refer",
    )


# --- The family -------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def key_worker(request: HttpRequest, pk: int) -> HttpResponse:
    purpose = "name the family's key worker"
    actor, case = writer_case(request, pk, purpose=purpose)
    worker = selectors.case_records(case, user=actor, purpose=purpose).key_worker
    initial = (
        {"name": worker.name, "role": worker.role, "contact": worker.contact} if worker else {}
    )
    return case_form(
        request,
        case,
        KeyWorkerForm(posted(request), initial=initial),
        title="The family's key worker",
        service=lambda data: services.key_worker_set(case=case, actor=actor, **data),
        message="The key worker was saved.",
        section="family",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def family_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="add a family member")
    return case_form(
        request,
        case,
        FamilyMemberForm(posted(request)),
        title="Add a family member",
        intro="Their details are stored encrypted; only the review's members see them.",
        service=lambda data: services.family_member_add(
            case=case, contact=FamilyContact(**{k: v or "" for k, v in data.items()}), actor=actor
        ),
        message="The family member was added.",
        section="family",
        button="Add",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="record a family question")
    family, _ = selectors.family_of(case, user=actor)
    return case_form(
        request,
        case,
        FamilyQuestionForm(posted(request), family=family),
        title="Record the family's question",
        service=lambda data: services.family_question_add(case=case, actor=actor, **data),
        message="The question was recorded.",
        section="family",
        button="Record the question",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def question_answer(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    purpose = "answer a family question"
    actor, case = writer_case(request, pk, purpose=purpose)
    question = selectors.record_of(FamilyQuestion, actor, pk=item, case=case, purpose=purpose)
    initial = {"answer": question.answer, "answered_on": question.answered_on}
    return case_form(
        request,
        case,
        FamilyAnswerForm(posted(request), initial=initial),
        title="The panel's answer to the family",
        intro=question.question,
        service=lambda data: services.family_question_answer(
            question=question, actor=actor, **data
        ),
        message="The answer was recorded.",
        section="family",
    )


# --- Panel meetings ---------------------------------------------------------------------------


def _meeting(request: HttpRequest, pk: int) -> tuple[User, PanelMeeting]:
    actor = staff_user_with_role(request, *SECRETARIAT)
    meeting = selectors.meetings().filter(pk=pk).first()
    if meeting is None:
        raise Http404(NOT_FOUND)
    return actor, meeting


def _meeting_url(meeting: PanelMeeting, section: str = "") -> str:
    url = reverse("cdop:meeting", args=[meeting.pk])
    return f"{url}#{section}" if section else url


@require_safe
def meetings(request: HttpRequest) -> HttpResponse:
    staff_user_with_role(request, *SECRETARIAT)
    return render(
        request,
        "cdop/staff/meetings.html",
        {"meetings": selectors.meetings(), "today": timezone.localdate()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    actor = staff_user_with_role(request, *SECRETARIAT)
    return form_page(
        request,
        MeetingForm(posted(request)),
        template=FORM_TEMPLATE,
        context={
            "title": "Arrange a panel meeting",
            "button": "Arrange the meeting",
            "back": reverse("cdop:meetings"),
        },
        service=lambda data: services.meeting_create(actor=actor, **data),
        message="The meeting was arranged.",
        success_url=lambda meeting: _meeting_url(meeting),
    )


@require_safe
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    actor, panel = _meeting(request, pk)
    return render(
        request,
        "cdop/staff/meeting.html",
        {
            "meeting": panel,
            "agenda": selectors.agenda_for(panel, user=actor),
            "attendance": list(panel.attendance.all()),
            "ready": selectors.cases_ready_for_panel(user=actor),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    actor, panel = _meeting(request, pk)
    return form_page(
        request,
        ConfirmForm(posted(request)),
        template="cdop/staff/agenda_build.html",
        context={"meeting": panel, "ready": selectors.cases_ready_for_panel(user=actor)},
        service=lambda data: services.meeting_build_agenda(meeting=panel, actor=actor),
        message=lambda added: f"{added} case(s) were put on the agenda.",
        success_url=_meeting_url(panel, "agenda"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    actor, panel = _meeting(request, pk)
    return form_page(
        request,
        AttendanceForm(posted(request)),
        template=FORM_TEMPLATE,
        context={
            "title": "Record attendance",
            "caption": f"Panel meeting, {panel.held_on:%-d %B %Y}",
            "back": _meeting_url(panel),
            "button": "Record",
        },
        service=lambda data: services.attendance_record(meeting=panel, actor=actor, **data),
        message="The attendance was recorded.",
        success_url=_meeting_url(panel, "attendance"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def agenda_decide(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The panel's decision on one case: for a lead or member of that case's review (anyone
    else, administrators included, gets 404, as for the case)."""
    user = staff_user(request)
    entry = selectors.agenda_item_for(user, meeting=pk, pk=item, purpose="record the decision")
    case = entry.case
    require_role(user, case.workspace, *WRITERS)
    if case.is_closed:
        raise PermissionDenied(services.CLOSED)
    initial = {"decision": entry.decision, "notes": entry.decision_notes}
    return form_page(
        request,
        AgendaDecisionForm(posted(request), initial=initial),
        template=FORM_TEMPLATE,
        context={
            "case": case,
            "title": "The panel's decision",
            "intro": f"Panel meeting, {entry.meeting.held_on:%-d %B %Y}. "
            f"{Decision.REVIEWED.label} needs the analysis completed first.",
        },
        service=lambda data: services.agenda_decide(item=entry, actor=user, **data),
        message="The decision was recorded.",
        success_url=_case_url(case, "panel"),
    )
