"""The meeting pages' forms. Each posts to one service in ``meetings.services`` (or
``meetings.calendar``); the service's refusal is shown beside the field it names (its
``field`` is the form field's name)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from escalation.forms import DateInput
from organisations.models import Organisation
from oversight import access
from oversight.forms import BooleanChoiceField, VersionedForm

from . import selectors
from .choices import ActionStatus, AttendanceMark, CastingVote, DecisionMethod, MembershipKind, PaperKind, VoteChoice
from .models import AgendaItem, Meeting
from .services import STATUS_ORDER


class PersonChoiceField(forms.ModelChoiceField):
    """A person, by their name (or user name when they have none)."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")


def _organisations():
    return Organisation.objects.filter(active=True).order_by("name")


def _agenda_field(meeting: Meeting, user, **kwargs) -> forms.ModelChoiceField:
    """The meeting's agenda items the user may see: on a system meeting, an item about one
    organisation is for that organisation's people (and WG and NHS P&I) only."""
    items = AgendaItem.objects.filter(meeting=meeting)
    ids = access.visible_organisation_ids(user)
    if ids is not None:
        items = items.filter(Q(organisation__isnull=True) | Q(organisation__in=ids))
    return forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=items.order_by("order", "pk"),
        required=False,
        empty_label=_("Not for one item"),
        **kwargs,
    )


class PaperForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel or PowerPoint."))
    kind = forms.ChoiceField(label=_("Kind of paper"), choices=PaperKind.choices, initial=PaperKind.PAPER)
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False, help_text=_("Leave blank to use the file's name.")
    )

    def __init__(self, *args, meeting: Meeting, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"] = _agenda_field(meeting, user)


class AdvanceForm(VersionedForm):
    status = forms.ChoiceField(label=_("Move the meeting on to"))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        later = STATUS_ORDER[STATUS_ORDER.index(meeting.status) + 1 :] if meeting.status in STATUS_ORDER else ()
        labels = dict(Meeting._meta.get_field("status").choices)
        self.fields["status"].choices = [(status, labels[status]) for status in later]
        if later and "status" not in self.initial:
            self.initial["status"] = later[0]


class CancelForm(VersionedForm):
    reason = forms.CharField(label=_("Why is the meeting cancelled?"), widget=forms.Textarea)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    presenter = forms.CharField(label=_("Presented by"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("About an organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Not about one organisation"),
    )
    case = forms.ModelChoiceField(
        label=_("About an escalation case"),
        queryset=None,
        required=False,
        empty_label=_("No case"),
        help_text=_("Open cases of the organisations at the meeting."),
    )
    domain = forms.ModelChoiceField(
        label=_("About a domain or pillar"), queryset=None, required=False, empty_label=_("Not one domain or pillar")
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        from escalation.models import Domain, EscalationCase

        at = selectors.organisations_at(meeting)
        organisations = _organisations().filter(statutory=True)
        cases = EscalationCase.objects.exclude(phase="closed").select_related("organisation", "domain")
        if at is not None:
            organisations, cases = organisations.filter(pk__in=at), cases.filter(organisation__in=at)
        self.fields["organisation"].queryset = organisations
        self.fields["case"].queryset = cases.order_by("organisation__name", "opened_on")
        self.fields["case"].label_from_instance = lambda case: (
            f"{case.organisation.display_short_name}: {case.scope_label}"
        )
        self.fields["domain"].queryset = Domain.objects.filter(era__ends_on__isnull=True).order_by("order")


class AttendanceForm(forms.Form):
    person = PersonChoiceField(
        label=_("Person"), queryset=_people(), required=False, empty_label=_("Not a user of this service")
    )
    name = forms.CharField(
        label=_("Name (if not a user)"), max_length=200, required=False, help_text=_("Only when no person is chosen.")
    )
    organisation = forms.ModelChoiceField(
        label=_("Attends for"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Their committee seat's organisation"),
    )
    kind = forms.ChoiceField(
        label=_("Membership"),
        choices=[("", _("From their committee seat (core if none)")), *MembershipKind.choices],
        required=False,
    )
    mark = forms.ChoiceField(label=_("Attendance"), choices=AttendanceMark.choices, initial=AttendanceMark.PRESENT)
    deputy_for = forms.CharField(
        label=_("Deputising for"), max_length=200, required=False, help_text=_("When a deputy attended.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people()
        self.fields["organisation"].queryset = _organisations()


class DeclarationForm(forms.Form):
    person = PersonChoiceField(label=_("Who declared it"), queryset=_people())
    interest = forms.CharField(label=_("Interest declared"), widget=forms.Textarea)
    on = forms.DateField(label=_("Declared on"), widget=DateInput)

    def __init__(self, *args, meeting: Meeting, user, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people if people is not None else _people()
        self.fields["agenda_item"] = _agenda_field(meeting, user)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea)
    method = forms.ChoiceField(
        label=_("How was it decided?"),
        choices=DecisionMethod.choices,
        initial=DecisionMethod.CONSENSUS,
        widget=forms.RadioSelect,
        help_text=_("Decisions are by consensus; record a vote's votes after recording the decision."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome (by consensus)"),
        choices=[("", _("Agreed")), ("deferred", _("Deferred"))],
        required=False,
    )

    def __init__(self, *args, meeting: Meeting, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"] = _agenda_field(meeting, user)


class VoteForm(forms.Form):
    """One choice for each person recorded at the meeting, and the chair's casting vote. The
    count (one vote per core organisation) and every refusal are the service's; a refusal
    about the votes is shown beside them (``votes``)."""

    NOT_VOTING = ""

    votes = forms.Field(required=False, label=_("Votes"))
    chair_casting_vote = forms.ChoiceField(
        label=_("Chair's casting vote"),
        choices=[("", _("None (not a tie)")), *CastingVote.choices],
        required=False,
        help_text=_("Only on a tie."),
    )

    def __init__(self, *args, attendance, **kwargs):
        super().__init__(*args, **kwargs)
        self.voters = []
        for row in attendance:
            if row.person_id is None:
                continue
            name = f"vote_{row.pk}"
            label = f"{row.display_name} ({row.organisation}, {row.get_kind_display().lower()})"
            self.fields[name] = forms.ChoiceField(
                label=label, choices=[(self.NOT_VOTING, _("Did not vote")), *VoteChoice.choices], required=False
            )
            self.voters.append((name, row))

    @property
    def vote_fields(self):
        return [self[name] for name, _row in self.voters]

    def cast(self) -> list[tuple]:
        """The votes as the service takes them: ``(person, organisation, choice)``."""
        return [
            (row.person, row.organisation, self.cleaned_data[name])
            for name, row in self.voters
            if self.cleaned_data.get(name)
        ]


class MinutesDraftForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    key_points = forms.CharField(
        label=_("Key points"),
        widget=forms.Textarea,
        required=False,
        help_text=_("One a line. The letter after the meeting is drafted from these."),
    )
    body = forms.CharField(label=_("Minutes"), widget=forms.Textarea, required=False)
    on = forms.DateField(label=_("Drafted on"), widget=DateInput)
    circulated_on = forms.DateField(label=_("Draft circulated on"), widget=DateInput, required=False)


class MinutesApproveForm(forms.Form):
    at_meeting = forms.ModelChoiceField(label=_("Approved at"), queryset=Meeting.objects.none())
    on = forms.DateField(label=_("Approved on"), widget=DateInput)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at_meeting"].queryset = meetings


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    organisation = forms.ModelChoiceField(label=_("Falls to"), queryset=Organisation.objects.none())
    owner = PersonChoiceField(label=_("Owner"), queryset=_people(), required=False, empty_label=_("Not a user"))
    owner_name = forms.CharField(
        label=_("Owner (if not a user)"), max_length=200, required=False, help_text=_("Only when no owner is chosen.")
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)

    def __init__(self, *args, meeting: Meeting, user, **kwargs):
        super().__init__(*args, **kwargs)
        at = selectors.organisations_at(meeting)
        self.fields["organisation"].queryset = _organisations() if at is None else _organisations().filter(pk__in=at)
        self.fields["owner"].queryset = _people()
        self.fields["agenda_item"] = _agenda_field(meeting, user)
        if meeting.organisation_id and "organisation" not in self.initial:
            self.initial["organisation"] = meeting.organisation_id


class ActionStatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class LetterGenerateForm(forms.Form):
    """Draft the letter from the minutes and actions; with a draft already there, say whether
    to replace it (and lose its edits)."""

    def __init__(self, *args, has_draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_draft:
            self.fields["replace"] = BooleanChoiceField(
                label=_("Replace the existing draft?"),
                initial=False,
                help_text=_("The existing draft, and any edits to it, will be lost."),
            )


class LetterEditForm(VersionedForm):
    letter_draft = forms.CharField(label=_("Draft letter"), widget=forms.Textarea, required=False)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _when_fields(form, *, required_date=True):
    form.fields["date"] = forms.DateField(label=_("Date"), widget=DateInput, required=required_date)
    form.fields["starts"] = forms.TimeField(label=_("Starts at"), widget=TimeInput, help_text=_("UK time, e.g. 10:00."))
    form.fields["ends"] = forms.TimeField(
        label=_("Ends at"), widget=TimeInput, required=False, help_text=_("Leave blank for the usual length.")
    )


def _secretariat_people():
    from organisations.choices import Role

    return _people().filter(memberships__role=Role.WG_SECRETARIAT).distinct()


class _MeetingDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online meeting link"), max_length=500, required=False, assume_scheme="https")
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    chair = forms.CharField(label=_("Chair"), max_length=200, required=False)
    secretariat = PersonChoiceField(
        label=_("Secretariat"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Not yet named")
    )
    invited = forms.ModelMultipleChoiceField(
        label=_("Also invite"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their people will see the meeting and may submit papers."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretariat"].queryset = _secretariat_people()
        self.fields["invited"].queryset = _organisations()

    def when(self):
        """The start and end as aware Europe/London datetimes (end None: the usual length)."""
        from datetime import datetime

        from django.utils import timezone

        data = self.cleaned_data
        zone = timezone.get_default_timezone()
        starts = datetime.combine(data["date"], data["starts"], tzinfo=zone)
        ends = datetime.combine(data["date"], data["ends"], tzinfo=zone) if data.get("ends") else None
        return starts, ends


class MeetingArrangeForm(_MeetingDetailsForm):
    """Arrange a meeting by hand: who it is with depends on its type."""

    meeting_type = forms.ModelChoiceField(label=_("Type of meeting"), queryset=None, empty_label=_("Choose a type"))
    organisation = forms.ModelChoiceField(
        label=_("With the organisation"),
        queryset=None,
        required=False,
        empty_label=_("Not one organisation"),
        help_text=_("For a meeting with one organisation."),
    )
    region = forms.ModelChoiceField(
        label=_("With the region"),
        queryset=None,
        required=False,
        empty_label=_("Not a region"),
        help_text=_("For a regional meeting."),
    )
    committee = forms.ModelChoiceField(
        label=_("Committee"),
        queryset=None,
        required=False,
        empty_label=_("Not a committee"),
        help_text=_("For a committee's meeting."),
    )
    field_order = ["meeting_type", "organisation", "region", "committee", "date", "starts", "ends", "title"]

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        from organisations.models import Region

        from .models import Committee, MeetingType

        _when_fields(self)
        self.fields["meeting_type"].queryset = MeetingType.objects.in_force(today).order_by("order", "name")
        self.fields["organisation"].queryset = _organisations().filter(statutory=True)
        self.fields["region"].queryset = Region.objects.order_by("name")
        self.fields["committee"].queryset = Committee.objects.order_by("name")
        self.order_fields(self.field_order)


class MeetingEditForm(VersionedForm, _MeetingDetailsForm):
    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _when_fields(self)
        self.order_fields(["version", "date", "starts", "ends", "title"])
