"""The meetings pages: the list and the month calendar, the meeting page and the actions
posted from it, the calendar downloads and private feeds, the action lists, committees and a
person's register of interests.

Every write goes through ``meetings.services`` (or ``meetings.calendar`` for feeds): the view
checks the permission, validates the form, calls the service and either says what was done
and goes back to the page, or shows the page again with the refusal beside the field.
"""

from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from escalation import flags
from organisations.choices import Role
from oversight import access
from oversight.errors import OversightError
from oversight.exports import Column
from oversight.forms import add_domain_error
from oversight.views import OversightListView, run_posted_form

from . import calendar, page_selectors, rules, selectors, services
from .choices import HELD_STATUSES, DecisionMethod, MeetingStatus, PaperKind
from .filters import ActionFilter, CommitteeFilter, DeclarationFilter, MeetingFilter, month_bounds
from .forms import (
    ActionForm,
    ActionStatusForm,
    AdvanceForm,
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    DecisionForm,
    DeclarationForm,
    LetterEditForm,
    LetterGenerateForm,
    MeetingArrangeForm,
    MeetingEditForm,
    MinutesApproveForm,
    MinutesDraftForm,
    PaperForm,
    VoteForm,
)
from .models import PLAN_PERIOD, Action, CalendarFeed, Meeting, MeetingDecision

FINISHED = (MeetingStatus.CANCELLED, MeetingStatus.CLOSED)


def with_whom(meeting: Meeting) -> str:
    """Who a meeting is with: its organisation, region or committee, or the whole system."""
    if meeting.organisation_id:
        return str(meeting.organisation)
    if meeting.region_id:
        return str(meeting.region)
    if meeting.committee_id:
        return str(meeting.committee)
    return _("System-wide")


# --- The list and the calendar -----------------------------------------------------------------


class MeetingListView(OversightListView):
    """Meetings the user may see, soonest first."""

    filterset_class = MeetingFilter
    template_name = "meetings/meeting_list.html"
    export_filename = "meetings"
    export_columns = [
        Column(gettext_lazy("Date"), "meeting_on"),
        Column(gettext_lazy("Starts"), "starts_at"),
        Column(gettext_lazy("Meeting"), "title"),
        Column(gettext_lazy("Type"), "meeting_type.display_name"),
        Column(gettext_lazy("With"), with_whom),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Papers due"), "papers_due_on"),
    ]

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_arrange=access.can(self.request.user, "meetings.manage"), **kwargs)


def _month(value: str | None, today: date) -> tuple[date, str]:
    """The first day of the month asked for (YYYY-MM), or of this month with the reason."""
    if not value:
        return today.replace(day=1), ""
    try:
        PLAN_PERIOD(value)
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1), ""
    except (ValueError, ValidationError):
        return today.replace(day=1), _("“%(value)s” is not a month. Enter a month like 2027-03.") % {"value": value}


@login_required
def meeting_calendar(request):
    """A month of meetings as a grid, Monday first, each day listing its meetings."""
    today = timezone.localdate()
    first, month_error = _month(request.GET.get("month"), today)
    period = f"{first:%Y-%m}"
    data = request.GET.copy()
    data["month"] = period
    filterset = MeetingFilter(data, queryset=selectors.meeting_list(user=request.user))
    start, end = month_bounds(period)
    by_day = defaultdict(list)
    for meeting in filterset.qs.filter(starts_at__gte=start, starts_at__lt=end):
        by_day[meeting.meeting_on].append(meeting)
    weeks = [
        [(day, day.month == first.month, by_day.get(day, [])) for day in week]
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = rules.add_months(first, -1)
    following = rules.add_months(first, 1)
    context = {
        "filter": filterset,
        "first": first,
        "today": today,
        "weeks": weeks,
        "weekdays": [day for day, _in_month, _meetings in weeks[0]],
        "previous_month": f"{previous:%Y-%m}",
        "next_month": f"{following:%Y-%m}",
        "month_error": month_error,
        "count": sum(len(meetings) for meetings in by_day.values()),
    }
    return render(request, "meetings/meeting_calendar.html", context)


# --- The meeting page ----------------------------------------------------------------------------


def _meeting(request, pk) -> Meeting:
    return selectors.meeting_detail(request.user, pk)


def _deadlines(meeting: Meeting, papers, today: date) -> list[tuple[str, date, bool]]:
    """Each deadline the meeting's type sets, and whether it has passed with the thing not done."""
    if meeting.status in FINISHED:
        late = dict.fromkeys(("agenda", "slides", "papers", "letter"), False)
    else:
        before_agenda = meeting.status in (MeetingStatus.PLANNED, MeetingStatus.CONFIRMED)
        before_papers = before_agenda or meeting.status == MeetingStatus.AGENDA_ISSUED
        has_slides = any(paper.kind == PaperKind.SLIDES for paper in papers)

        def passed(due):
            return due is not None and rules.is_late(None, due, today)

        late = {
            "agenda": before_agenda and passed(meeting.agenda_due_on),
            "slides": not has_slides and passed(meeting.slides_due_on),
            "papers": before_papers and passed(meeting.papers_due_on),
            "letter": not meeting.letter_draft.strip() and passed(meeting.letter_due_on),
        }
    rows = [
        (_("Agenda issued by"), meeting.agenda_due_on, late["agenda"]),
        (_("Agenda items due"), meeting.agenda_items_due_on, False),
        (_("Slides due"), meeting.slides_due_on, late["slides"]),
        (_("Papers due"), meeting.papers_due_on, late["papers"]),
        (_("Letter due"), meeting.letter_due_on, late["letter"]),
    ]
    return [(label, due, is_late) for label, due, is_late in rows if due is not None]


def _forms(request, meeting: Meeting, *, attendance, decisions, actions) -> dict:
    """The forms for what this user may do on this meeting now, empty where they may not."""
    user, today = request.user, timezone.localdate()
    version = {"version": meeting.version}
    open_ = meeting.status not in FINISHED
    manages = access.can(user, "meetings.manage", meeting)
    forms = {}
    if open_ and access.can(user, "meetings.paper.upload", meeting):
        forms["paper"] = PaperForm(meeting=meeting, user=request.user, prefix="paper")
        if meeting.committee_id:  # committee members submit agenda items too [003 §5]
            forms["agenda"] = AgendaItemForm(meeting=meeting, prefix="agenda")
    if open_ and access.can(user, "meetings.view", meeting):
        people = None if manages else get_user_model().objects.filter(pk=user.pk)
        forms["declaration"] = DeclarationForm(
            meeting=meeting,
            user=request.user,
            people=people,
            prefix="declaration",
            initial={"on": today, "person": user.pk},
        )
    if manages and open_:
        if meeting.status in services.STATUS_ORDER[:-1]:
            forms["advance"] = AdvanceForm(meeting=meeting, prefix="advance", initial=version)
        if meeting.status not in HELD_STATUSES:
            forms["cancel"] = CancelForm(prefix="cancel", initial=version)
        forms["agenda"] = AgendaItemForm(meeting=meeting, prefix="agenda")
        forms["attendance"] = AttendanceForm(prefix="attendance")
        forms["decision"] = DecisionForm(meeting=meeting, user=request.user, prefix="decision")
        forms["action"] = ActionForm(meeting=meeting, user=request.user, prefix="action", initial={"due_on": None})
        for decision in decisions:
            if decision.method == DecisionMethod.VOTE and not decision.outcome:
                forms[f"vote-{decision.pk}"] = VoteForm(attendance=attendance, prefix=f"v{decision.pk}")
    minutes = getattr(meeting, "minutes", None)
    if manages and meeting.status in HELD_STATUSES and not (minutes and minutes.approved):
        if meeting.status != MeetingStatus.CLOSED:
            initial = {"on": today}
            if minutes is not None:
                initial |= {
                    "version": minutes.version,
                    "key_points": minutes.key_points,
                    "body": minutes.body,
                    "on": minutes.drafted_on,
                    "circulated_on": minutes.circulated_on,
                }
            forms["minutes"] = MinutesDraftForm(prefix="minutes", initial=initial)
        if minutes is not None:
            forms["approve"] = MinutesApproveForm(
                meetings=page_selectors.approving_meetings(user, meeting), prefix="approve", initial={"on": today}
            )
    if manages and meeting.meeting_type.letter_follows and meeting.status != MeetingStatus.CANCELLED:
        forms["letter"] = LetterGenerateForm(has_draft=bool(meeting.letter_draft.strip()), prefix="letter")
        if meeting.letter_draft.strip() and open_:
            forms["letter_edit"] = LetterEditForm(
                prefix="letter_edit", initial={**version, "letter_draft": meeting.letter_draft}
            )
    for action in actions:
        if access.can(user, "meetings.action.update", action):
            forms[f"action-{action.pk}"] = ActionStatusForm(
                prefix=f"a{action.pk}", initial={"version": action.version, "status": action.status}
            )
    return forms


@login_required
def meeting_detail(request, pk, failed=None):
    """Everything about one meeting: who it is with and when, its deadlines, agenda, papers,
    attendance and quorum, declarations, decisions and votes, minutes, actions, the letter
    that follows it, what can be done next, and its history.

    ``failed`` is a submitted form that was refused: it is shown again, with its errors and
    what the user typed, in place of the blank one."""
    meeting = _meeting(request, pk)
    user, today = request.user, timezone.localdate()
    record = selectors.visible_record(user, meeting)
    agenda_items = record.agenda_items
    papers = [(paper, access.can(user, "attachment.view", paper.attachment)) for paper in record.papers]
    actions = record.actions
    for action in actions:
        action.overdue = action.is_overdue(today)
    attendance = list(meeting.attendance.all())
    decisions = record.decisions
    forms = _forms(request, meeting, attendance=attendance, decisions=decisions, actions=actions)
    forms.update(failed or {})
    context = {
        "meeting": meeting,
        "with_whom": with_whom(meeting),
        "today": today,
        "deadlines": _deadlines(meeting, [paper for paper, _can in papers], today),
        "agenda_items": agenda_items,
        "papers": papers,
        "attendance": attendance,
        "quorum": selectors.quorum_for(meeting),
        "declarations": record.declarations,
        "decisions": [(decision, forms.get(f"vote-{decision.pk}")) for decision in decisions],
        "minutes": getattr(meeting, "minutes", None),
        "approved_here": list(meeting.approved_minutes.all()),
        "actions": [(action, forms.get(f"action-{action.pk}")) for action in actions],
        "invitations": list(meeting.invitations.all()),
        "history": page_selectors.meeting_history(meeting, record=record),
        "forms": forms,
        "finished": meeting.status in FINISHED,
        "can_manage": access.can(user, "meetings.manage", meeting),
        # What the organisation is held to account for (open accountability conditions, the
        # Finance flag): raised by plans through escalation.flags, so meetings never imports plans.
        "flags": flags.flags_for(meeting.organisation, user=user, on=today) if meeting.organisation_id else [],
    }
    return render(request, "meetings/meeting_detail.html", context)


def _act(request, meeting, *, obj=None, **kwargs):
    """A form posted from the meeting page (``oversight.views.run_posted_form``); the
    permission is checked on ``obj`` when given (an action, a paper), else on the meeting."""
    return run_posted_form(request, meeting, permission_object=obj, detail=meeting_detail, **kwargs)


@login_required
@require_POST
def paper_submit(request, pk):
    meeting = _meeting(request, pk)

    def action(data):
        services.paper_submit(
            actor=request.user,
            meeting=meeting,
            upload=data["file"],
            kind=data["kind"],
            agenda_item=data["agenda_item"],
            title=data["title"],
        )

    return _act(
        request,
        meeting,
        name="paper",
        form=PaperForm(request.POST, request.FILES, meeting=meeting, user=request.user, prefix="paper"),
        permission="meetings.paper.upload",
        action=action,
        success=_("The paper has been submitted."),
    )


@login_required
@require_POST
def meeting_advance(request, pk):
    meeting = _meeting(request, pk)

    def action(data):
        services.meeting_advance(
            actor=request.user,
            meeting=meeting,
            expected_version=data["version"],
            to_status=data["status"],
            on=timezone.localdate(),
        )

    return _act(
        request,
        meeting,
        name="advance",
        form=AdvanceForm(request.POST, meeting=meeting, prefix="advance"),
        permission="meetings.manage",
        action=action,
        success=_("The meeting’s status has been updated."),
    )


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk)

    def action(data):
        services.meeting_cancel(
            actor=request.user, meeting=meeting, expected_version=data["version"], reason=data["reason"]
        )

    return _act(
        request,
        meeting,
        name="cancel",
        form=CancelForm(request.POST, prefix="cancel"),
        permission="meetings.manage",
        action=action,
        success=_("The meeting has been cancelled."),
    )


@login_required
@require_POST
def agenda_item_add(request, pk):
    meeting = _meeting(request, pk)

    def action(data):
        services.agenda_item_add(
            actor=request.user,
            meeting=meeting,
            title=data["title"],
            presenter=data["presenter"],
            organisation=data["organisation"],
            case=data["case"],
            domain=data["domain"],
            description=data["description"],
        )

    return _act(
        request,
        meeting,
        name="agenda",
        form=AgendaItemForm(request.POST, meeting=meeting, prefix="agenda"),
        permission="meetings.paper.upload" if meeting.committee_id else "meetings.manage",
        action=action,
        success=_("The item has been added to the agenda."),
    )


@login_required
@require_POST
def attendance_record(request, pk):
    meeting = _meeting(request, pk)

    def action(data):
        services.attendance_record(
            actor=request.user,
            meeting=meeting,
            person=data["person"],
            name=data["name"],
            organisation=data["organisation"],
            kind=data["kind"] or None,
            mark=data["mark"],
            deputy_for=data["deputy_for"],
        )

    return _act(
        request,
        meeting,
        name="attendance",
        form=AttendanceForm(request.POST, prefix="attendance"),
        permission="meetings.manage",
        action=action,
        success=_("The attendance has been recorded."),
    )


@login_required
@require_POST
def declaration_record(request, pk):
    """Anyone who sees the meeting declares their own interests; the secretariat records anyone's."""
    meeting = _meeting(request, pk)
    manages = access.can(request.user, "meetings.manage", meeting)
    people = None if manages else get_user_model().objects.filter(pk=request.user.pk)

    def action(data):
        services.declaration_record(
            actor=request.user,
            meeting=meeting,
            person=data["person"],
            interest=data["interest"],
            on=data["on"],
            agenda_item=data["agenda_item"],
        )

    return _act(
        request,
        meeting,
        name="declaration",
        form=DeclarationForm(request.POST, meeting=meeting, user=request.user, people=people, prefix="declaration"),
        permission="meetings.view",
        action=action,
        success=_("The declaration has been recorded."),
    )


@login_required
@require_POST
def decision_record(request, pk):
    meeting = _meeting(request, pk)

    def action(data):
        services.decision_record(
            actor=request.user,
            meeting=meeting,
            text=data["text"],
            method=data["method"],
            agenda_item=data["agenda_item"],
            outcome=data["outcome"],
        )

    return _act(
        request,
        meeting,
        name="decision",
        form=DecisionForm(request.POST, meeting=meeting, user=request.user, prefix="decision"),
        permission="meetings.manage",
        action=action,
        success=_("The decision has been recorded."),
    )


@login_required
@require_POST
def vote_record(request, pk):
    """Count and record the votes on a decision (one vote per core organisation)."""
    decision = get_object_or_404(
        access.restrict_meetings(MeetingDecision.objects.all(), request.user, through="meeting__"), pk=pk
    )
    meeting = _meeting(request, decision.meeting_id)
    form = VoteForm(request.POST, attendance=list(meeting.attendance.all()), prefix=f"v{decision.pk}")

    def action(data):
        services.vote_record(
            actor=request.user,
            decision=decision,
            votes=form.cast(),
            chair_casting_vote=data["chair_casting_vote"] or None,
        )

    return _act(
        request,
        meeting,
        name=f"vote-{decision.pk}",
        form=form,
        permission="meetings.manage",
        action=action,
        success=_("The votes have been recorded."),
    )


@login_required
@require_POST
def minutes_draft(request, pk):
    meeting = _meeting(request, pk)

    def action(data):
        services.minutes_draft(
            actor=request.user,
            meeting=meeting,
            key_points=data["key_points"],
            body=data["body"],
            on=data["on"],
            circulated_on=data["circulated_on"],
            expected_version=data["version"],
        )

    return _act(
        request,
        meeting,
        name="minutes",
        form=MinutesDraftForm(request.POST, prefix="minutes"),
        permission="meetings.manage",
        action=action,
        success=_("The draft minutes have been saved."),
    )


@login_required
@require_POST
def minutes_approve(request, pk):
    """Record that this meeting's minutes were approved at a later meeting of the same body."""
    meeting = _meeting(request, pk)
    minutes = getattr(meeting, "minutes", None)
    form = MinutesApproveForm(
        request.POST, meetings=page_selectors.approving_meetings(request.user, meeting), prefix="approve"
    )

    def action(data):
        if minutes is None:
            raise OversightError(
                _("Draft the minutes before recording their approval."), field="at_meeting", code="no_minutes"
            )
        services.minutes_approve(actor=request.user, minutes=minutes, at_meeting=data["at_meeting"], on=data["on"])

    return _act(
        request,
        meeting,
        name="approve",
        form=form,
        permission="meetings.manage",
        action=action,
        success=_("The approval of the minutes has been recorded."),
    )


@login_required
@require_POST
def action_add(request, pk):
    meeting = _meeting(request, pk)

    def action(data):
        services.action_create(
            actor=request.user,
            meeting=meeting,
            title=data["title"],
            organisation=data["organisation"],
            due_on=data["due_on"],
            owner=data["owner"],
            owner_name=data["owner_name"],
            agenda_item=data["agenda_item"],
            notes=data["notes"],
        )

    return _act(
        request,
        meeting,
        name="action",
        form=ActionForm(request.POST, meeting=meeting, user=request.user, prefix="action"),
        permission="meetings.manage",
        action=action,
        success=_("The action has been added."),
    )


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_POST
def action_status(request, pk):
    """Move an action on, from the meeting page or an action list (``next``: back there). A
    refused change is shown on the meeting page, beside the action."""
    item = page_selectors.action_get(request.user, pk)
    try:
        meeting = _meeting(request, item.meeting_id)
    except Http404:
        # An action of the user's organisation from a meeting they do not see (a WG meeting):
        # they may still move it on, from their list.
        return _action_status_without_meeting(request, item)

    def action(data):
        services.action_update_status(
            actor=request.user,
            action=item,
            expected_version=data["version"],
            status=data["status"],
            on=timezone.localdate(),
        )

    return _act(
        request,
        meeting,
        name=f"action-{item.pk}",
        form=ActionStatusForm(request.POST, prefix=f"a{item.pk}"),
        permission="meetings.action.update",
        obj=item,
        action=action,
        success=_("The action’s status has been updated."),
        next_url=_safe_next(request),
    )


def _action_status_without_meeting(request, item):
    access.require(request.user, "meetings.action.update", item)
    form = ActionStatusForm(request.POST, prefix=f"a{item.pk}")
    back = _safe_next(request) or reverse("meetings:my-actions")
    if not form.is_valid():
        messages.error(request, _("Choose a status for the action."))
        return redirect(back)
    try:
        services.action_update_status(
            actor=request.user,
            action=item,
            expected_version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            on=timezone.localdate(),
        )
    except OversightError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The action’s status has been updated."))
    return redirect(back)


@login_required
@require_POST
def letter_generate(request, pk):
    meeting = _meeting(request, pk)
    form = LetterGenerateForm(request.POST, has_draft=bool(meeting.letter_draft.strip()), prefix="letter")

    def action(data):
        services.letter_draft_generate(actor=request.user, meeting=meeting, replace=bool(data.get("replace")))

    return _act(
        request,
        meeting,
        name="letter",
        form=form,
        permission="meetings.manage",
        action=action,
        success=_("The letter has been drafted."),
    )


@login_required
@require_POST
def letter_edit(request, pk):
    meeting = _meeting(request, pk)

    def action(data):
        services.meeting_update(
            actor=request.user, meeting=meeting, expected_version=data["version"], letter_draft=data["letter_draft"]
        )

    return _act(
        request,
        meeting,
        name="letter_edit",
        form=LetterEditForm(request.POST, prefix="letter_edit"),
        permission="meetings.manage",
        action=action,
        success=_("The draft letter has been saved."),
    )


# --- Calendar files and feeds --------------------------------------------------------------------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=calendar.ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def meeting_ics(request, pk):
    """One meeting as an ``.ics`` file to add to a calendar."""
    meeting = get_object_or_404(selectors.meeting_list(user=request.user), pk=pk)
    body = calendar.meeting_ics([meeting], name=meeting.title, base_url=request.build_absolute_uri("/"))
    return _ics_response(body, calendar.meeting_filename(meeting))


@never_cache
@require_GET
def meeting_feed(request, token):
    """A user's private subscription feed. No sign-in: the secret address is the key. An
    unknown, replaced or revoked address is a 404."""
    feed = calendar.feed_for(token)
    if feed is None:
        raise Http404("No such calendar feed.")
    body = calendar.feed_ics(feed, base_url=request.build_absolute_uri("/"))
    return _ics_response(body, "oversight-meetings.ics")


def _feed_url(request, feed: CalendarFeed | None) -> str:
    if feed is None or not feed.active:
        return ""
    return request.build_absolute_uri(reverse("meetings:meeting-feed", args=[feed.token]))


@login_required
def calendar_feed(request):
    """The user's private feed: its address to copy, and forms to get a new one or revoke it."""
    if request.method == "POST":
        replacing = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).exists()
        calendar.feed_create(request.user)
        if replacing:
            messages.success(request, _("Your calendar feed has a new address. The old address no longer works."))
        else:
            messages.success(request, _("Your calendar feed has been created."))
        return redirect("meetings:calendar-feed")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "meetings/calendar_feed.html", {"feed": feed, "feed_url": _feed_url(request, feed)})


@login_required
@require_POST
def calendar_feed_revoke(request):
    feed = get_object_or_404(CalendarFeed, user=request.user, revoked_at__isnull=True)
    calendar.feed_revoke(request.user, feed)
    messages.success(request, _("Your calendar feed has been revoked. Its address no longer works."))
    return redirect("meetings:calendar-feed")


# --- Actions ---------------------------------------------------------------------------------------


ACTION_COLUMNS = [
    Column(gettext_lazy("Action"), "title"),
    Column(gettext_lazy("Meeting"), "meeting.title"),
    Column(gettext_lazy("Meeting date"), "meeting.meeting_on"),
    Column(gettext_lazy("Organisation"), "organisation.name"),
    Column(gettext_lazy("Owner"), "owner_display"),
    Column(gettext_lazy("Due on"), "due_on"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Overdue"), "overdue"),
    Column(gettext_lazy("Completed on"), "completed_on"),
]


class _ActionListView(OversightListView):
    filterset_class = ActionFilter
    template_name = "meetings/action_list.html"
    export_columns = ACTION_COLUMNS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["rows"] = [
            (
                action,
                ActionStatusForm(prefix=f"a{action.pk}", initial={"version": action.version, "status": action.status})
                if access.can(user, "meetings.action.update", action)
                else None,
            )
            for action in context["object_list"]
        ]
        context["next"] = self.request.get_full_path()
        return context


class MyActionsView(_ActionListView):
    """The actions the user owns: open ones first, overdue ones tagged."""

    export_filename = "my-actions"

    def get_queryset(self):
        return page_selectors.action_list(self.request.user, owner=self.request.user, today=timezone.localdate())

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("My actions"), **kwargs)


class OrganisationActionsView(_ActionListView):
    """The actions falling to one organisation; a 404 for those who do not see it."""

    export_filename = "organisation-actions"

    def dispatch(self, request, *args, **kwargs):
        from organisations.selectors import organisation_private_get

        if request.user.is_authenticated:
            self.organisation = organisation_private_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return page_selectors.action_list(self.request.user, organisation=self.organisation, today=timezone.localdate())

    def get_context_data(self, **kwargs):
        title = _("Actions for %(organisation)s") % {"organisation": self.organisation.display_name}
        return super().get_context_data(title=title, organisation=self.organisation, **kwargs)


# --- Committees ------------------------------------------------------------------------------------


class CommitteeListView(OversightListView):
    filterset_class = CommitteeFilter
    template_name = "meetings/committee_list.html"
    export_filename = "committees"
    export_columns = [
        Column(gettext_lazy("Committee"), "display_name"),
        Column(gettext_lazy("Meeting type"), "meeting_type.display_name"),
        Column(gettext_lazy("Sub-group of"), "host_organisation.name"),
        Column(gettext_lazy("Months between meetings"), "interval_months"),
        Column(gettext_lazy("Chair"), "chair"),
        Column(gettext_lazy("Terms of reference last reviewed"), "tor_last_reviewed_on"),
        Column(gettext_lazy("Review due"), "tor_review_due_on"),
        Column(gettext_lazy("Active"), "active"),
    ]

    def get_queryset(self):
        return page_selectors.committee_list(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


def _quorum_rule(committee) -> str:
    """The committee's quorum in words [003 §6]."""
    counted = _("core organisations") if committee.quorum_counts == "organisations" else _("core members")
    share = committee.quorum_fraction
    values = {"counted": counted, "minimum": committee.quorum_minimum}
    if share is not None:
        values |= {"numerator": share.numerator, "denominator": share.denominator}
    if share is not None and committee.quorum_minimum:
        return (
            _("At least %(numerator)s in %(denominator)s of the %(counted)s, and no fewer than %(minimum)s, present")
            % values
        )
    if share is not None:
        return _("At least %(numerator)s in %(denominator)s of the %(counted)s present") % values
    return _("At least %(minimum)s %(counted)s present") % values


@login_required
def committee_detail(request, pk):
    """A committee and its terms of reference: membership, quorum and voting rules, how often
    it meets, its chair and vice-chair, when its terms are reviewed, and its meetings."""
    committee = page_selectors.committee_detail(request.user, pk)
    today = timezone.localdate()
    review_due = committee.tor_review_due_on
    context = {
        "committee": committee,
        "today": today,
        "members": list(committee.members.all()),
        "review_due": review_due,
        "review_overdue": review_due is not None and today >= review_due,
        "meetings": page_selectors.committee_meetings(request.user, committee)[:50],
        "quorum_rule": _quorum_rule(committee),
    }
    return render(request, "meetings/committee_detail.html", context)


# --- A person's register of interests -------------------------------------------------------------


class DeclarationRegisterView(OversightListView):
    """Every interest a person has declared, at the meetings the viewer may see. For WG, NHS P&I
    and the person themself; a 404 for anyone else."""

    filterset_class = DeclarationFilter
    template_name = "meetings/declaration_register.html"
    export_filename = "declarations-of-interest"
    export_columns = [
        Column(gettext_lazy("Declared on"), "declared_on"),
        Column(gettext_lazy("Interest"), "interest"),
        Column(gettext_lazy("Meeting"), "meeting.title"),
        Column(gettext_lazy("Meeting date"), "meeting.meeting_on"),
        Column(gettext_lazy("Agenda item"), lambda d: d.agenda_item.display_title if d.agenda_item else ""),
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            is_self = request.user.pk == kwargs["user_pk"]
            if not (is_self or access.principal(request.user).has_role(*access.WG_ROLES, Role.NHSPI_ANALYST)):
                raise Http404("No such register, or it is not yours to see.")
            self.person = get_object_or_404(get_user_model(), pk=kwargs["user_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.declarations_register(self.person, user=self.request.user)

    def get_context_data(self, **kwargs):
        name = self.person.get_full_name() or self.person.get_username()
        return super().get_context_data(person=self.person, person_name=name, **kwargs)


# --- Arranging and changing a meeting -------------------------------------------------------------


@login_required
def meeting_arrange(request):
    """Arrange a meeting by hand (the planner arranges the regular ones)."""
    access.require(request.user, "meetings.manage")
    today = timezone.localdate()
    form = MeetingArrangeForm(request.POST or None, today=today, initial={"date": today, "starts": "10:00"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at, ends_at = form.when()
        try:
            meeting = services.meeting_create(
                actor=request.user,
                meeting_type=data["meeting_type"],
                starts_at=starts_at,
                ends_at=ends_at,
                organisation=data["organisation"],
                region=data["region"],
                committee=data["committee"],
                title=data["title"],
                online_link=data["online_link"],
                location=data["location"],
                chair=data["chair"],
                secretariat=data["secretariat"],
                invited=data["invited"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The meeting has been arranged."))
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form})


@login_required
def meeting_edit(request, pk):
    """Change a meeting's time, link, place, chair, secretariat or invitations. A stale form is
    a conflict; a held meeting's time is a record."""
    meeting = _meeting(request, pk)
    access.require(request.user, "meetings.manage", meeting)
    local = timezone.localtime(meeting.starts_at)
    initial = {
        "version": meeting.version,
        "date": local.date(),
        "starts": local.strftime("%H:%M"),
        "ends": timezone.localtime(meeting.ends_at).strftime("%H:%M"),
        "title": meeting.title,
        "online_link": meeting.online_link,
        "location": meeting.location,
        "chair": meeting.chair,
        "secretariat": meeting.secretariat_id,
        "invited": [invitation.organisation_id for invitation in meeting.invitations.all()],
    }
    form = MeetingEditForm(request.POST or None, initial=initial, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at, ends_at = form.when()
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                expected_version=data["version"],
                starts_at=starts_at,
                ends_at=ends_at,
                title=data["title"] or meeting.title,
                online_link=data["online_link"],
                location=data["location"],
                chair=data["chair"],
                secretariat=data["secretariat"],
                invited=list(data["invited"]),
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The meeting has been changed."))
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@login_required
def case_panel(request, pk):
    """The meetings and actions of an escalation case, as a panel on the case page (htmx):
    escalation does not import meetings, so its page loads this from here."""
    from escalation import selectors as escalation_selectors

    case = escalation_selectors.case_detail(user=request.user, pk=pk)
    meetings = (
        selectors.meeting_list(request.user)
        .filter(Q(agenda_items__case=case) | Q(actions__case=case))
        .distinct()
        .order_by("-starts_at")[:20]
    )
    actions = access.restrict(
        Action.objects.filter(case=case).select_related("meeting", "owner").order_by("due_on", "pk"), request.user
    )
    today = timezone.localdate()
    rows = [(action, action.is_overdue(today)) for action in actions]
    return render(request, "meetings/partials/_case_panel.html", {"case": case, "meetings": meetings, "actions": rows})
