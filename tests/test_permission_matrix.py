"""Every route × every persona → the expected answer, written out by hand.

The expectations are typed here, not derived from ``oversight.access``: a wrong policy must
fail this test, not pass its own. ``test_every_route_is_in_the_matrix`` fails when a route
is added without an entry. Organisation A's objects and organisation B's are requested by
their real ids.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from oversight.services import attachment_create
from tests.factories import NotificationFactory

PERSONAS = ["anonymous", "official", "decision_maker", "analyst", "submitter_a", "submitter_b", "partner", "admin"]


@dataclass
class Case:
    route: str
    url: Callable  # (world, objects) -> url
    expect: dict[str, int]
    method: str = "get"
    data: Callable | None = None  # (world, objects, persona) -> request body
    api: bool = False
    note: str = ""
    extra: dict = field(default_factory=dict)


def everyone(status: int, anonymous: int) -> dict[str, int]:
    return {p: (anonymous if p == "anonymous" else status) for p in PERSONAS}


def row(anonymous, official, decision_maker, analyst, submitter_a, submitter_b, partner, admin) -> dict[str, int]:
    return dict(
        zip(
            PERSONAS,
            [anonymous, official, decision_maker, analyst, submitter_a, submitter_b, partner, admin],
            strict=True,
        )
    )


def _org(which):
    return lambda w, o: getattr(w, which).pk


# Who may see organisation A's private data: WG, NHS P&I, admin, and A's own people.
PRIVATE_A_PAGE = row(302, 200, 200, 200, 200, 404, 404, 200)
PRIVATE_B_PAGE = row(302, 200, 200, 200, 404, 200, 404, 200)
PRIVATE_A_API = row(401, 200, 200, 200, 200, 404, 404, 200)
PRIVATE_B_API = row(401, 200, 200, 200, 404, 200, 404, 200)
SIGNED_IN_PAGE = everyone(200, 302)
SIGNED_IN_API = everyone(200, 401)
# A system meeting organisation A and HIW are invited to: WG, NHS P&I, admin, A's people and HIW's.
INVITED_A_AND_HIW_PAGE = row(302, 200, 200, 200, 200, 404, 200, 200)
# Running organisation A's meeting: WG only (NHS P&I takes part; an administrator runs nothing).
WG_RUNS_MEETING_A = row(302, 302, 302, 403, 403, 404, 404, 403)
WG_REFUSED_ON_MEETING_A = row(302, 200, 200, 403, 403, 404, 404, 403)


def pdf():
    return SimpleUploadedFile("paper.pdf", b"%PDF-1.4\n% a meeting paper\n")


MATRIX: list[Case] = [
    Case(
        "home",
        lambda w, o: reverse("home"),
        row(302, 302, 302, 302, 200, 200, 200, 200),
        note="WG and NHS P&I users are sent on to the system overview",
    ),
    # --- escalation ---
    Case("escalation:overview", lambda w, o: reverse("escalation:overview"), SIGNED_IN_PAGE),
    Case("escalation:frameworks", lambda w, o: reverse("escalation:frameworks"), SIGNED_IN_PAGE),
    Case("escalation:decision-list", lambda w, o: reverse("escalation:decision-list"), SIGNED_IN_PAGE),
    Case(
        "escalation:decision-list",
        lambda w, o: reverse("escalation:decision-list") + "?export=csv",
        SIGNED_IN_PAGE,
    ),
    Case(
        "escalation:decision-create",
        lambda w, o: reverse("escalation:decision-create"),
        row(302, 200, 200, 200, 403, 403, 403, 403),
    ),
    Case(
        "escalation:decision-preview",
        lambda w, o: (
            reverse("escalation:decision-preview") + f"?organisation={w.org_b.pk}&scope_kind=organisation&to_level=3"
        ),
        row(302, 200, 200, 200, 403, 403, 403, 403),
        note="the decision form's live panel: for those who draft",
    ),
    Case(
        "escalation:decision-detail",
        lambda w, o: reverse("escalation:decision-detail", args=[o["draft_a"].pk]),
        PRIVATE_A_PAGE,
    ),
    Case(
        "escalation:decision-detail",
        lambda w, o: reverse("escalation:decision-detail", args=[o["draft_b"].pk]),
        PRIVATE_B_PAGE,
    ),
    Case(
        "escalation:decision-recommend",
        lambda w, o: reverse("escalation:decision-recommend", args=[o["draft_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["draft_a"].version},
    ),
    Case(
        "escalation:decision-decide",
        lambda w, o: reverse("escalation:decision-decide", args=[o["draft_a"].pk]),
        # An official may take part, but a 2026 move to level 2 is the Director General's:
        # the form comes back with the refusal (200).
        row(302, 200, 302, 403, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["draft_a"].version, "decided_on": "2026-11-20"},
    ),
    Case(
        "escalation:decision-notify",
        lambda w, o: reverse("escalation:decision-notify", args=[o["decided_a"].pk]),
        row(302, 302, 302, 403, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["decided_a"].version, "notified_on": "2026-11-21"},
    ),
    Case(
        "escalation:decision-withdraw",
        lambda w, o: reverse("escalation:decision-withdraw", args=[o["draft_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["draft_a"].version, "reason": "Raised in error"},
    ),
    # The web-process check: the full check also answers 503 when no worker has been seen, which
    # is the state of the system under test (with a broker configured), not a question of access.
    Case("healthz", lambda w, o: reverse("healthz") + "?scope=web", everyone(200, 200)),
    Case("login", lambda w, o: reverse("login"), everyone(200, 200)),
    Case("logout", lambda w, o: reverse("logout"), everyone(302, 302), method="post"),
    # Two-factor authentication: decision makers and administrators have an authenticator (and
    # the test client's sign-in counts as having given a code); no one else has one yet.
    Case("two-factor", lambda w, o: reverse("two-factor"), SIGNED_IN_PAGE),
    Case(
        "two-factor-setup",
        lambda w, o: reverse("two-factor-setup"),
        row(302, 200, 302, 200, 200, 200, 200, 302),
        note="those with an authenticator already are sent to the two-factor page",
    ),
    Case(
        "two-factor-verify",
        lambda w, o: reverse("two-factor-verify"),
        everyone(302, 302),
        note="a code already given goes on; no authenticator goes to set-up",
    ),
    Case(
        "two-factor-recovery-codes",
        lambda w, o: reverse("two-factor-recovery-codes"),
        row(302, 302, 200, 302, 302, 302, 302, 200),
    ),
    Case(
        "two-factor-recovery-codes",
        lambda w, o: reverse("two-factor-recovery-codes"),
        row(302, 302, 200, 302, 302, 302, 302, 200),
        method="post",
        data=lambda w, o, p: {},
        note="new codes, shown once",
    ),
    Case(
        "two-factor-turn-off",
        lambda w, o: reverse("two-factor-turn-off"),
        row(302, 302, 403, 302, 302, 302, 302, 403),
        method="post",
        data=lambda w, o, p: {},
        note="decision makers and administrators may not; others have nothing to turn off",
    ),
    Case("switch-language", lambda w, o: reverse("switch-language", args=["cy"]) + "?next=/", everyone(302, 302)),
    Case(
        "switch-language",
        lambda w, o: reverse("switch-language", args=["cy"]),
        everyone(302, 302),
        method="post",
        data=lambda w, o, p: {"next": "/"},
        note="the header's form; stores a signed-in user's preference",
    ),
    Case("notification-list", lambda w, o: reverse("notification-list"), SIGNED_IN_PAGE),
    Case(
        "sensitive-read-list",
        lambda w, o: reverse("sensitive-read-list"),
        row(302, 403, 403, 403, 403, 403, 403, 200),
        note="the access log of sensitive reads: administrators only",
    ),
    Case(
        "notification-read",
        lambda w, o: reverse("notification-read", args=[o["notification_of_submitter_a"].pk]),
        row(302, 404, 404, 404, 302, 404, 404, 404),
        method="post",
        note="a notification is its recipient's alone",
    ),
    Case(
        "attachment-download",
        lambda w, o: reverse("attachment-download", args=[o["attachment_a"].pk]),
        PRIVATE_A_PAGE,
    ),
    Case(
        "attachment-download",
        lambda w, o: reverse("attachment-download", args=[o["attachment_b"].pk]),
        PRIVATE_B_PAGE,
    ),
    Case("organisations:list", lambda w, o: reverse("organisations:list"), SIGNED_IN_PAGE),
    Case("organisations:list", lambda w, o: reverse("organisations:list") + "?export=csv", SIGNED_IN_PAGE),
    Case("organisations:detail", lambda w, o: reverse("organisations:detail", args=[w.org_a.pk]), SIGNED_IN_PAGE),
    Case("organisations:detail", lambda w, o: reverse("organisations:detail", args=[w.org_b.pk]), SIGNED_IN_PAGE),
    Case(
        "organisations:edit",
        lambda w, o: reverse("organisations:edit", args=[w.org_a.pk]),
        row(302, 403, 403, 403, 403, 403, 403, 200),
    ),
    Case(
        "organisations:edit",
        lambda w, o: reverse("organisations:edit", args=[w.org_b.pk]),
        row(302, 403, 403, 403, 403, 403, 403, 200),
    ),
    Case("organisations:members", lambda w, o: reverse("organisations:members", args=[w.org_a.pk]), PRIVATE_A_PAGE),
    Case("organisations:members", lambda w, o: reverse("organisations:members", args=[w.org_b.pk]), PRIVATE_B_PAGE),
    Case(
        "organisations:members",
        lambda w, o: reverse("organisations:members", args=[w.org_b.pk]) + "?export=csv",
        PRIVATE_B_PAGE,
    ),
    Case("organisations:history", lambda w, o: reverse("organisations:history", args=[w.org_a.pk]), PRIVATE_A_PAGE),
    Case("organisations:history", lambda w, o: reverse("organisations:history", args=[w.org_b.pk]), PRIVATE_B_PAGE),
    Case("escalation:case-list", lambda w, o: reverse("escalation:case-list"), SIGNED_IN_PAGE),
    Case("escalation:concern-list", lambda w, o: reverse("escalation:concern-list"), SIGNED_IN_PAGE),
    Case("escalation:concern-list", lambda w, o: reverse("escalation:concern-list") + "?export=csv", SIGNED_IN_PAGE),
    Case("escalation:concern-raise", lambda w, o: reverse("escalation:concern-raise"), SIGNED_IN_PAGE),
    Case(
        "escalation:concern-detail",
        lambda w, o: reverse("escalation:concern-detail", args=[o["concern_a"].pk]),
        PRIVATE_A_PAGE,
    ),
    Case(
        "escalation:concern-triage",
        lambda w, o: reverse("escalation:concern-triage", args=[o["concern_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["concern_a"].version, "close_reason": "Resolved locally"},
    ),
    Case(
        "escalation:concern-raise",
        lambda w, o: reverse("escalation:concern-raise"),
        # B's submitter may only choose B: A is not an option, so the form comes back (200).
        row(302, 302, 302, 302, 302, 200, 302, 302),
        method="post",
        data=lambda w, o, p: {
            "organisation": w.org_a.pk,
            "title": "Rota gaps",
            "description": "d",
            "severity": "high",
        },
    ),
    Case("escalation:request-list", lambda w, o: reverse("escalation:request-list"), SIGNED_IN_PAGE),
    Case("escalation:intelligence-list", lambda w, o: reverse("escalation:intelligence-list"), SIGNED_IN_PAGE),
    Case(
        "escalation:intelligence-add",
        lambda w, o: reverse("escalation:intelligence-add"),
        # Organisations' own staff never see intelligence, so the page does not exist for them.
        row(302, 200, 200, 200, 404, 404, 200, 403),
    ),
    Case(
        "escalation:intelligence-share",
        lambda w, o: reverse("escalation:intelligence-share", args=[o["intelligence_a"].pk]),
        row(302, 302, 302, 403, 404, 404, 403, 403),
        method="post",
        data=lambda w, o, p: {"version": o["intelligence_a"].version},
    ),
    Case("escalation:organisation", lambda w, o: reverse("escalation:organisation", args=[w.org_a.pk]), PRIVATE_A_PAGE),
    Case("escalation:organisation", lambda w, o: reverse("escalation:organisation", args=[w.org_b.pk]), PRIVATE_B_PAGE),
    Case(
        "escalation:case-detail", lambda w, o: reverse("escalation:case-detail", args=[o["case_a"].pk]), PRIVATE_A_PAGE
    ),
    Case(
        "escalation:case-detail", lambda w, o: reverse("escalation:case-detail", args=[o["case_b"].pk]), PRIVATE_B_PAGE
    ),
    Case(
        "escalation:case-criterion-add",
        lambda w, o: reverse("escalation:case-criterion-add", args=[o["case_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"text": "Financial plan approved", "owner": "Director of Finance"},
    ),
    Case(
        "escalation:case-close",
        lambda w, o: reverse("escalation:case-close", args=[o["case_a"].pk]),
        # Only a decision maker may try; the scope is still at level 2, so the form explains why not (200).
        row(302, 403, 200, 403, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["case_a"].version, "reason": "Done"},
    ),
    Case(
        "escalation:support-plan-create",
        lambda w, o: reverse("escalation:support-plan-create", args=[o["case_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"plan-kind": "improvement", "plan-started_on": "2026-11-10"},
    ),
    Case(
        "escalation:plan-intervention-add",
        lambda w, o: reverse("escalation:plan-intervention-add", args=[o["plan_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {
            f"i{o['plan_a'].pk}-kind": "mentoring",
            f"i{o['plan_a'].pk}-lead": "NHS P&I",
            f"i{o['plan_a'].pk}-starts_on": "2026-11-10",
        },
    ),
    Case(
        "escalation:plan-milestone-add",
        lambda w, o: reverse("escalation:plan-milestone-add", args=[o["plan_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {
            f"m{o['plan_a'].pk}-title": "Plan approved",
            f"m{o['plan_a'].pk}-owner": "Chair",
            f"m{o['plan_a'].pk}-due_on": "2027-03-31",
            f"m{o['plan_a'].pk}-rag": "amber",
        },
    ),
    Case(
        "escalation:plan-score-record",
        lambda w, o: reverse("escalation:plan-score-record", args=[o["plan_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {
            f"s{o['plan_a'].pk}-area_name": "Governance",
            f"s{o['plan_a'].pk}-assessed_on": "2026-11-10",
            f"s{o['plan_a'].pk}-score": "2",
        },
    ),
    Case("escalation:tripartite-list", lambda w, o: reverse("escalation:tripartite-list"), SIGNED_IN_PAGE),
    Case(
        "escalation:tripartite-list",
        lambda w, o: reverse("escalation:tripartite-list") + "?export=csv",
        SIGNED_IN_PAGE,
    ),
    Case(
        "escalation:tripartite-create",
        lambda w, o: reverse("escalation:tripartite-create"),
        row(302, 200, 200, 403, 403, 403, 403, 403),
    ),
    Case(
        "escalation:tripartite-detail",
        lambda w, o: reverse("escalation:tripartite-detail", args=[o["round"].pk]),
        # HIW took part in the round; organisations' own staff never see rounds.
        row(302, 200, 200, 200, 404, 404, 200, 200),
    ),
    Case(
        "escalation:tripartite-view-record",
        lambda w, o: reverse("escalation:tripartite-view-record", args=[o["round"].pk]),
        row(302, 302, 302, 403, 404, 404, 403, 403),
        method="post",
        data=lambda w, o, p: {"organisation": w.org_b.pk, "shared_view": "Stable", "recommendation": "maintain"},
    ),
    Case(
        "escalation:tripartite-view-start",
        lambda w, o: reverse("escalation:tripartite-view-start", args=[o["view_a"].pk]),
        row(302, 302, 302, 302, 404, 404, 403, 403),
        method="post",
    ),
    Case(
        "escalation:criterion-status",
        lambda w, o: reverse("escalation:criterion-status", args=[o["criterion_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {
            f"c{o['criterion_a'].pk}-version": o["criterion_a"].version,
            f"c{o['criterion_a'].pk}-status": "agreed",
        },
    ),
    Case(
        "escalation:criterion-evidence",
        lambda w, o: reverse("escalation:criterion-evidence", args=[o["criterion_a"].pk]),
        # The organisation's own staff file evidence; an administrator is not party to the case.
        row(302, 302, 302, 302, 302, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {
            f"e{o['criterion_a'].pk}-file": SimpleUploadedFile("board-minutes.pdf", b"%PDF-1.4\n% minutes\n"),
            f"e{o['criterion_a'].pk}-note": "Board minutes",
        },
    ),
    Case(
        "escalation:request-detail",
        lambda w, o: reverse("escalation:request-detail", args=[o["request_a"].pk]),
        PRIVATE_A_PAGE,
    ),
    Case(
        "escalation:request-send",
        lambda w, o: reverse("escalation:request-send"),
        row(302, 200, 200, 200, 403, 403, 403, 403),
    ),
    Case(
        "escalation:request-answer",
        lambda w, o: reverse("escalation:request-answer", args=[o["request_a"].pk]),
        row(302, 302, 302, 302, 302, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["request_a"].version, "response": "Attached: the recovery plan"},
    ),
    # --- meetings ---
    Case("meetings:meeting-list", lambda w, o: reverse("meetings:meeting-list"), SIGNED_IN_PAGE),
    Case("meetings:meeting-list", lambda w, o: reverse("meetings:meeting-list") + "?export=csv", SIGNED_IN_PAGE),
    Case(
        "meetings:meeting-calendar",
        lambda w, o: reverse("meetings:meeting-calendar") + "?month=2026-12",
        SIGNED_IN_PAGE,
    ),
    Case(
        "meetings:case-panel",
        lambda w, o: reverse("meetings:case-panel", args=[o["case_a"].pk]),
        PRIVATE_A_PAGE,
        note="the meetings panel on a case page",
    ),
    Case(
        "meetings:meeting-arrange",
        lambda w, o: reverse("meetings:meeting-arrange"),
        row(302, 200, 200, 403, 403, 403, 403, 403),
    ),
    Case(
        "meetings:meeting-edit",
        lambda w, o: reverse("meetings:meeting-edit", args=[o["meeting_a"].pk]),
        row(302, 200, 200, 403, 403, 404, 404, 403),
    ),
    Case(
        "meetings:meeting-detail",
        lambda w, o: reverse("meetings:meeting-detail", args=[o["meeting_a"].pk]),
        PRIVATE_A_PAGE,
    ),
    Case(
        "meetings:meeting-detail",
        lambda w, o: reverse("meetings:meeting-detail", args=[o["meeting_b"].pk]),
        PRIVATE_B_PAGE,
    ),
    Case(
        "meetings:meeting-detail",
        lambda w, o: reverse("meetings:meeting-detail", args=[o["system_meeting"].pk]),
        INVITED_A_AND_HIW_PAGE,
        note="a system meeting A and HIW are invited to",
    ),
    Case(
        "meetings:meeting-ics", lambda w, o: reverse("meetings:meeting-ics", args=[o["meeting_a"].pk]), PRIVATE_A_PAGE
    ),
    Case(
        "meetings:meeting-ics",
        lambda w, o: reverse("meetings:meeting-ics", args=[o["system_meeting"].pk]),
        INVITED_A_AND_HIW_PAGE,
    ),
    Case(
        "meetings:meeting-feed",
        lambda w, o: reverse("meetings:meeting-feed", args=[o["feed_of_submitter_a"].token]),
        everyone(200, 200),
        note="no sign-in: the secret address is the key",
    ),
    Case(
        "meetings:meeting-feed",
        lambda w, o: reverse("meetings:meeting-feed", args=["not-a-token"]),
        everyone(404, 404),
        note="an unknown address",
    ),
    Case("meetings:calendar-feed", lambda w, o: reverse("meetings:calendar-feed"), SIGNED_IN_PAGE),
    Case(
        "meetings:calendar-feed",
        lambda w, o: reverse("meetings:calendar-feed"),
        everyone(302, 302),
        method="post",
        note="each signed-in user creates their own feed",
    ),
    Case(
        "meetings:calendar-feed-revoke",
        lambda w, o: reverse("meetings:calendar-feed-revoke"),
        # Only submitter A has a feed; a user revokes their own only.
        row(302, 404, 404, 404, 302, 404, 404, 404),
        method="post",
    ),
    Case("meetings:my-actions", lambda w, o: reverse("meetings:my-actions"), SIGNED_IN_PAGE),
    Case("meetings:my-actions", lambda w, o: reverse("meetings:my-actions") + "?export=csv", SIGNED_IN_PAGE),
    Case(
        "meetings:organisation-actions",
        lambda w, o: reverse("meetings:organisation-actions", args=[w.org_a.pk]),
        PRIVATE_A_PAGE,
    ),
    Case(
        "meetings:organisation-actions",
        lambda w, o: reverse("meetings:organisation-actions", args=[w.org_b.pk]) + "?export=csv",
        PRIVATE_B_PAGE,
    ),
    Case("meetings:committee-list", lambda w, o: reverse("meetings:committee-list"), SIGNED_IN_PAGE),
    Case(
        "meetings:committee-detail",
        lambda w, o: reverse("meetings:committee-detail", args=[o["committee_a"].pk]),
        # Hosted by A, with seats for A only: B's people and HIW do not see it.
        row(302, 200, 200, 200, 200, 404, 404, 200),
    ),
    Case(
        "meetings:declaration-register",
        lambda w, o: reverse("meetings:declaration-register", args=[w.personas["submitter_a"].pk]),
        # WG, NHS P&I and the person themself; not an administrator, nor another organisation.
        row(302, 200, 200, 200, 200, 404, 404, 404),
    ),
    Case(
        "meetings:declaration-register",
        lambda w, o: reverse("meetings:declaration-register", args=[w.personas["analyst"].pk]),
        row(302, 200, 200, 200, 404, 404, 404, 404),
    ),
    Case(
        "meetings:paper-submit",
        lambda w, o: reverse("meetings:paper-submit", args=[o["meeting_a"].pk]),
        # WG, NHS P&I and the organisation's own submitters; an administrator runs no meetings.
        row(302, 302, 302, 302, 302, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"paper-file": pdf(), "paper-kind": "paper"},
    ),
    Case(
        "meetings:paper-submit",
        lambda w, o: reverse("meetings:paper-submit", args=[o["system_meeting"].pk]),
        # HIW is invited and sees the meeting, but submits no papers to it.
        row(302, 302, 302, 302, 302, 404, 403, 403),
        method="post",
        data=lambda w, o, p: {"paper-file": pdf(), "paper-kind": "paper"},
    ),
    Case(
        "meetings:meeting-advance",
        lambda w, o: reverse("meetings:meeting-advance", args=[o["meeting_a"].pk]),
        WG_RUNS_MEETING_A,
        method="post",
        data=lambda w, o, p: {"advance-version": o["meeting_a"].version, "advance-status": "confirmed"},
    ),
    Case(
        "meetings:meeting-cancel",
        lambda w, o: reverse("meetings:meeting-cancel", args=[o["meeting_a"].pk]),
        WG_RUNS_MEETING_A,
        method="post",
        data=lambda w, o, p: {"cancel-version": o["meeting_a"].version, "cancel-reason": "Chief executive unwell"},
    ),
    Case(
        "meetings:agenda-item-add",
        lambda w, o: reverse("meetings:agenda-item-add", args=[o["meeting_a"].pk]),
        WG_RUNS_MEETING_A,
        method="post",
        data=lambda w, o, p: {"agenda-title": "Financial recovery"},
    ),
    Case(
        "meetings:attendance-record",
        lambda w, o: reverse("meetings:attendance-record", args=[o["meeting_a"].pk]),
        WG_RUNS_MEETING_A,
        method="post",
        data=lambda w, o, p: {
            "attendance-person": w.personas["submitter_a"].pk,
            "attendance-organisation": w.org_a.pk,
            "attendance-mark": "present",
        },
    ),
    Case(
        "meetings:declaration-record",
        lambda w, o: reverse("meetings:declaration-record", args=[o["meeting_a"].pk]),
        # Anyone who sees the meeting declares their own interests.
        row(302, 302, 302, 302, 302, 404, 404, 302),
        method="post",
        data=lambda w, o, p: {
            "declaration-person": w.personas[p].pk or "",
            "declaration-interest": "Trustee of a local hospice",
            "declaration-on": "2026-12-01",
        },
    ),
    Case(
        "meetings:decision-record",
        lambda w, o: reverse("meetings:decision-record", args=[o["meeting_a"].pk]),
        WG_RUNS_MEETING_A,
        method="post",
        data=lambda w, o, p: {"decision-text": "Recovery plan agreed", "decision-method": "consensus"},
    ),
    Case(
        "meetings:vote-record",
        lambda w, o: reverse("meetings:vote-record", args=[o["vote_a"].pk]),
        # A meeting without a committee has no voting rule: WG's form comes back with the refusal (200).
        WG_REFUSED_ON_MEETING_A,
        method="post",
        data=lambda w, o, p: {},
    ),
    Case(
        "meetings:minutes-draft",
        lambda w, o: reverse("meetings:minutes-draft", args=[o["meeting_a"].pk]),
        # Not yet held: WG's form comes back with the refusal (200).
        WG_REFUSED_ON_MEETING_A,
        method="post",
        data=lambda w, o, p: {"minutes-key_points": "Deficit", "minutes-on": "2026-12-10"},
    ),
    Case(
        "meetings:minutes-approve",
        lambda w, o: reverse("meetings:minutes-approve", args=[o["meeting_a"].pk]),
        WG_REFUSED_ON_MEETING_A,
        method="post",
        data=lambda w, o, p: {"approve-on": "2027-01-10"},
    ),
    Case(
        "meetings:action-add",
        lambda w, o: reverse("meetings:action-add", args=[o["meeting_a"].pk]),
        WG_RUNS_MEETING_A,
        method="post",
        data=lambda w, o, p: {
            "action-title": "Send the recovery plan",
            "action-organisation": w.org_a.pk,
            "action-owner_name": "Director of Finance",
            "action-due_on": "2027-01-31",
        },
    ),
    Case(
        "meetings:action-status",
        lambda w, o: reverse("meetings:action-status", args=[o["action_a"].pk]),
        # WG, NHS P&I and the organisation's own staff update its actions.
        row(302, 302, 302, 302, 302, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {
            f"a{o['action_a'].pk}-version": o["action_a"].version,
            f"a{o['action_a'].pk}-status": "in_progress",
        },
    ),
    Case(
        "meetings:letter-generate",
        lambda w, o: reverse("meetings:letter-generate", args=[o["meeting_a"].pk]),
        # No minutes yet: WG's form comes back with the refusal (200).
        WG_REFUSED_ON_MEETING_A,
        method="post",
        data=lambda w, o, p: {},
    ),
    Case(
        "meetings:letter-edit",
        lambda w, o: reverse("meetings:letter-edit", args=[o["meeting_a"].pk]),
        WG_RUNS_MEETING_A,
        method="post",
        data=lambda w, o, p: {"letter_edit-version": o["meeting_a"].version, "letter_edit-letter_draft": "Dear..."},
    ),
    # --- API ---
    Case("api:organisation-list", lambda w, o: reverse("api:organisation-list"), SIGNED_IN_API, api=True),
    Case(
        "api:organisation-detail",
        lambda w, o: reverse("api:organisation-detail", args=[w.org_a.pk]),
        SIGNED_IN_API,
        api=True,
    ),
    Case(
        "api:organisation-detail",
        lambda w, o: reverse("api:organisation-detail", args=[w.org_b.pk]),
        SIGNED_IN_API,
        api=True,
    ),
    Case(
        "api:organisation-detail",
        lambda w, o: reverse("api:organisation-detail", args=[w.org_b.pk]),
        row(401, 403, 403, 403, 403, 403, 403, 200),
        method="patch",
        data=lambda w, o, p: {"version": w.org_b.version, "reason": "Matrix", "short_name": f"Org B ({p})"},
        api=True,
    ),
    Case(
        "api:organisation-members",
        lambda w, o: reverse("api:organisation-members", args=[w.org_a.pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:organisation-members",
        lambda w, o: reverse("api:organisation-members", args=[w.org_b.pk]),
        PRIVATE_B_API,
        api=True,
    ),
    Case(
        "api:organisation-history",
        lambda w, o: reverse("api:organisation-history", args=[w.org_a.pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:organisation-history",
        lambda w, o: reverse("api:organisation-history", args=[w.org_b.pk]),
        PRIVATE_B_API,
        api=True,
    ),
    Case("api:region-list", lambda w, o: reverse("api:region-list"), SIGNED_IN_API, api=True),
    Case(
        "api:region-detail",
        lambda w, o: reverse("api:region-detail", args=[w.org_a.region_id]),
        SIGNED_IN_API,
        api=True,
    ),
    Case("api:membership-list", lambda w, o: reverse("api:membership-list"), SIGNED_IN_API, api=True),
    Case(
        "api:membership-detail",
        lambda w, o: reverse("api:membership-detail", args=[o["membership_b"].pk]),
        PRIVATE_B_API,
        api=True,
    ),
    Case(
        "api:token",
        lambda w, o: reverse("api:token"),
        everyone(400, 400),
        method="post",
        data=lambda w, o, p: {"username": "nobody", "password": "wrong"},
        api=True,
        note="wrong credentials are refused for everyone",
    ),
    Case("api:escalation-level-list", lambda w, o: reverse("api:escalation-level-list"), SIGNED_IN_API, api=True),
    Case("api:escalation-decision-list", lambda w, o: reverse("api:escalation-decision-list"), SIGNED_IN_API, api=True),
    Case(
        "api:escalation-decision-list",
        lambda w, o: reverse("api:escalation-decision-list"),
        row(401, 201, 201, 201, 403, 403, 403, 403),
        method="post",
        data=lambda w, o, p: {
            "organisation": "ORGA",
            "scope_kind": "domain",
            "domain": "2026/finance",
            "to_level": 3,
            "rationale": "Deficit",
            "planned_on": "2026-11-02",
        },
        api=True,
    ),
    Case(
        "api:escalation-decision-detail",
        lambda w, o: reverse("api:escalation-decision-detail", args=[o["draft_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:escalation-decision-detail",
        lambda w, o: reverse("api:escalation-decision-detail", args=[o["draft_b"].pk]),
        PRIVATE_B_API,
        api=True,
    ),
    Case(
        "api:escalation-decision-recommend",
        lambda w, o: reverse("api:escalation-decision-recommend", args=[o["draft_a"].pk]),
        row(401, 200, 200, 200, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["draft_a"].version},
        api=True,
    ),
    Case(
        "api:escalation-decision-decide",
        lambda w, o: reverse("api:escalation-decision-decide", args=[o["draft_a"].pk]),
        row(401, 400, 200, 403, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["draft_a"].version, "decided_on": "2026-11-20"},
        api=True,
    ),
    Case(
        "api:escalation-decision-notify",
        lambda w, o: reverse("api:escalation-decision-notify", args=[o["decided_a"].pk]),
        row(401, 200, 200, 403, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["decided_a"].version, "notified_on": "2026-11-21"},
        api=True,
    ),
    Case(
        "api:escalation-decision-withdraw",
        lambda w, o: reverse("api:escalation-decision-withdraw", args=[o["draft_a"].pk]),
        row(401, 200, 200, 200, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["draft_a"].version, "reason": "Raised in error"},
        api=True,
    ),
    Case(
        "api:escalation-decision-supersede",
        lambda w, o: reverse("api:escalation-decision-supersede", args=[o["decided_a"].pk]),
        row(401, 400, 201, 403, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"to_level": 3, "rationale": "Recorded in error", "decided_on": "2026-11-03"},
        api=True,
    ),
    Case("api:escalation-case-list", lambda w, o: reverse("api:escalation-case-list"), SIGNED_IN_API, api=True),
    Case(
        "api:escalation-case-detail",
        lambda w, o: reverse("api:escalation-case-detail", args=[o["case_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:escalation-case-detail",
        lambda w, o: reverse("api:escalation-case-detail", args=[o["case_b"].pk]),
        PRIVATE_B_API,
        api=True,
    ),
    Case(
        "api:escalation-criterion-list", lambda w, o: reverse("api:escalation-criterion-list"), SIGNED_IN_API, api=True
    ),
    Case(
        "api:escalation-criterion-list",
        lambda w, o: reverse("api:escalation-criterion-list"),
        row(401, 201, 201, 201, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"case": o["case_a"].pk, "text": "Plan approved"},
        api=True,
    ),
    Case(
        "api:escalation-criterion-detail",
        lambda w, o: reverse("api:escalation-criterion-detail", args=[o["criterion_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:escalation-criterion-set-status",
        lambda w, o: reverse("api:escalation-criterion-set-status", args=[o["criterion_a"].pk]),
        row(401, 200, 200, 200, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["criterion_a"].version, "status": "agreed", "on": "2026-11-10"},
        api=True,
    ),
    Case(
        "api:escalation-criterion-evidence",
        lambda w, o: reverse("api:escalation-criterion-evidence", args=[o["criterion_a"].pk]),
        row(401, 201, 201, 201, 201, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"file": SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n% minutes\n"), "note": "Minutes"},
        api=True,
        extra={"format": "multipart"},
    ),
    Case(
        "api:escalation-criterion-evidence",
        lambda w, o: reverse("api:escalation-criterion-evidence", args=[o["criterion_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:escalation-support-plan-list",
        lambda w, o: reverse("api:escalation-support-plan-list"),
        SIGNED_IN_API,
        api=True,
    ),
    Case(
        "api:escalation-support-plan-detail",
        lambda w, o: reverse("api:escalation-support-plan-detail", args=[o["plan_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case("api:meeting-list", lambda w, o: reverse("api:meeting-list"), SIGNED_IN_API, api=True),
    Case(
        "api:meeting-detail",
        lambda w, o: reverse("api:meeting-detail", args=[o["meeting_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:meeting-agenda",
        lambda w, o: reverse("api:meeting-agenda", args=[o["meeting_b"].pk]),
        PRIVATE_B_API,
        api=True,
    ),
    Case(
        "api:meeting-attendance",
        lambda w, o: reverse("api:meeting-attendance", args=[o["meeting_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:meeting-papers",
        lambda w, o: reverse("api:meeting-papers", args=[o["meeting_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:meeting-papers",
        lambda w, o: reverse("api:meeting-papers", args=[o["meeting_a"].pk]),
        # NHS P&I and the organisation's own staff submit papers; an administrator does not.
        row(401, 201, 201, 201, 201, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"file": SimpleUploadedFile("paper.pdf", b"%PDF-1.4\n% paper\n"), "kind": "paper"},
        api=True,
        extra={"format": "multipart"},
    ),
    Case("api:meeting-calendar", lambda w, o: reverse("api:meeting-calendar"), SIGNED_IN_API, api=True),
    Case("api:meeting-action-list", lambda w, o: reverse("api:meeting-action-list"), SIGNED_IN_API, api=True),
    Case(
        "api:meeting-action-detail",
        lambda w, o: reverse("api:meeting-action-detail", args=[o["action_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:meeting-action-set-status",
        lambda w, o: reverse("api:meeting-action-set-status", args=[o["action_a"].pk]),
        row(401, 200, 200, 200, 200, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["action_a"].version, "status": "in_progress", "on": "2026-11-20"},
        api=True,
    ),
    Case("api:escalation-concern-list", lambda w, o: reverse("api:escalation-concern-list"), SIGNED_IN_API, api=True),
    Case(
        "api:escalation-concern-list",
        lambda w, o: reverse("api:escalation-concern-list"),
        # Organisation A's own staff raise it as a self-referral; B's may not raise one about A.
        row(401, 201, 201, 201, 201, 403, 201, 201),
        method="post",
        data=lambda w, o, p: {"organisation": "ORGA", "title": "t", "description": "d", "on": "2026-11-10"},
        api=True,
    ),
    Case(
        "api:escalation-concern-detail",
        lambda w, o: reverse("api:escalation-concern-detail", args=[o["concern_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:escalation-concern-triage",
        lambda w, o: reverse("api:escalation-concern-triage", args=[o["concern_a"].pk]),
        row(401, 200, 200, 200, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["concern_a"].version},
        api=True,
    ),
    Case("api:escalation-request-list", lambda w, o: reverse("api:escalation-request-list"), SIGNED_IN_API, api=True),
    Case(
        "api:escalation-request-list",
        lambda w, o: reverse("api:escalation-request-list"),
        row(401, 201, 201, 201, 403, 403, 403, 403),
        method="post",
        data=lambda w, o, p: {"organisation": "ORGA", "question": "q", "sent_on": "2026-11-10", "due_on": "2026-11-24"},
        api=True,
    ),
    Case(
        "api:escalation-request-detail",
        lambda w, o: reverse("api:escalation-request-detail", args=[o["request_a"].pk]),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:escalation-request-answer",
        lambda w, o: reverse("api:escalation-request-answer", args=[o["request_a"].pk]),
        row(401, 200, 200, 200, 200, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["request_a"].version, "response": "Attached", "on": "2026-11-12"},
        api=True,
    ),
    Case(
        "api:escalation-intelligence-list",
        lambda w, o: reverse("api:escalation-intelligence-list"),
        SIGNED_IN_API,
        api=True,
    ),
    Case(
        "api:escalation-intelligence-list",
        lambda w, o: reverse("api:escalation-intelligence-list"),
        # Only WG, NHS P&I and the body itself (HIW) add HIW's intelligence.
        row(401, 201, 201, 201, 404, 404, 201, 403),
        method="post",
        data=lambda w, o, p: {
            "organisation": "ORGA",
            "body": "HIW",
            "kind": "hiw_inspection",
            "dated": "2026-11-01",
            "summary": "s",
            "rag": "amber",
        },
        api=True,
    ),
    Case(
        "api:escalation-intelligence-detail",
        lambda w, o: reverse("api:escalation-intelligence-detail", args=[o["intelligence_a"].pk]),
        # Never the organisation's own staff; HIW sees its own item.
        row(401, 200, 200, 200, 404, 404, 200, 200),
        api=True,
    ),
    Case(
        "api:escalation-intelligence-share",
        lambda w, o: reverse("api:escalation-intelligence-share", args=[o["intelligence_a"].pk]),
        row(401, 200, 200, 403, 404, 404, 403, 403),
        method="post",
        data=lambda w, o, p: {"version": o["intelligence_a"].version},
        api=True,
    ),
    Case("schema", lambda w, o: reverse("schema"), SIGNED_IN_API, api=True),
    Case("api-docs", lambda w, o: reverse("api-docs"), everyone(200, 401), api=True),
    Case("admin:index", lambda w, o: reverse("admin:index"), row(302, 302, 302, 302, 302, 302, 302, 200)),
]

# Django admin's own pages are guarded by the admin site (staff only); the matrix covers its
# index as the representative. Static and media are not served by URL patterns of ours.

# --- Performance packs ------------------------------------------------------------------------
# Filling in a pack: organisation A's submitters and NHS P&I analysts. Curating it (return,
# validate, release, correct): NHS P&I analysts only. A's unreleased pack is private to A;
# a released one is for every signed-in user.
EDIT_PACK_A_PAGE = row(302, 403, 403, 200, 200, 404, 404, 403)
EDIT_PACK_A_POST = row(302, 403, 403, 302, 302, 404, 404, 403)
CURATE_PACK_A = row(302, 403, 403, 302, 403, 404, 404, 403)


def _pack_url(name, key, *args):
    return lambda w, o: reverse(f"reporting:{name}", args=[o[key].pk, *args])


def _version(key, **extra):
    return lambda w, o, p: {"version": o[key].version, **extra}


MATRIX += [
    Case("reporting:pack-list", lambda w, o: reverse("reporting:pack-list"), SIGNED_IN_PAGE),
    Case(
        "reporting:pack-create",
        lambda w, o: reverse("reporting:pack-create"),
        row(302, 403, 403, 200, 200, 200, 403, 403),
    ),
    Case(
        "reporting:pack-create",
        lambda w, o: reverse("reporting:pack-create"),
        # Organisation B's submitter is not offered organisation A: the form says so.
        row(302, 403, 403, 302, 302, 200, 403, 403),
        method="post",
        data=lambda w, o, p: {"organisation": w.org_a.pk, "period": "2026-09"},
    ),
    Case("reporting:pack-detail", _pack_url("pack-detail", "pack_a"), PRIVATE_A_PAGE),
    Case("reporting:pack-detail", _pack_url("pack-detail", "pack_a_released"), SIGNED_IN_PAGE, note="released"),
    Case("reporting:pack-values", _pack_url("pack-values", "pack_a"), EDIT_PACK_A_PAGE),
    Case(
        "reporting:pack-values",
        _pack_url("pack-values", "pack_a"),
        EDIT_PACK_A_POST,
        method="post",
        data=_version("pack_a"),
    ),
    Case("reporting:pack-upload", _pack_url("pack-upload", "pack_a"), EDIT_PACK_A_PAGE),
    Case("reporting:pack-template", _pack_url("pack-template", "pack_a", "csv"), PRIVATE_A_PAGE),
    Case("reporting:pack-narrative", _pack_url("pack-narrative", "pack_a"), EDIT_PACK_A_PAGE),
    Case("reporting:pack-risk-add", _pack_url("pack-risk-add", "pack_a"), EDIT_PACK_A_PAGE),
    Case("reporting:pack-deep-dive-add", _pack_url("pack-deep-dive-add", "pack_a_quarter_end"), EDIT_PACK_A_PAGE),
    Case(
        "reporting:pack-deep-dive-add",
        _pack_url("pack-deep-dive-add", "pack_a_quarter_end"),
        EDIT_PACK_A_POST,
        method="post",
        data=_version("pack_a_quarter_end", title="Stroke services"),
    ),
    Case(
        "reporting:pack-detail",
        lambda w, o: o["pack_a"].get_absolute_url() + "?export=csv",
        PRIVATE_A_PAGE,
        note="export",
    ),
    Case(
        "reporting:pack-submit",
        _pack_url("pack-submit", "pack_a"),
        row(302, 403, 403, 403, 302, 404, 404, 403),
        method="post",
        data=_version("pack_a"),
    ),
    Case(
        "reporting:pack-return",
        _pack_url("pack-return", "pack_a_submitted"),
        CURATE_PACK_A,
        method="post",
        data=_version("pack_a_submitted", comment="Check the stroke figures."),
    ),
    Case(
        "reporting:pack-validate",
        _pack_url("pack-validate", "pack_a_submitted"),
        CURATE_PACK_A,
        method="post",
        data=_version("pack_a_submitted"),
    ),
    Case(
        "reporting:pack-release",
        _pack_url("pack-release", "pack_a_validated"),
        CURATE_PACK_A,
        method="post",
        data=_version("pack_a_validated"),
    ),
    Case(
        "reporting:pack-correct",
        _pack_url("pack-correct", "pack_a_released"),
        # A released pack is seen by everyone signed in; only NHS P&I corrects it.
        row(302, 403, 403, 302, 403, 403, 403, 403),
        method="post",
        data=_version("pack_a_released", reason="The stroke figure was April's."),
    ),
    Case(
        "reporting:upload-progress",
        lambda w, o: reverse("reporting:upload-progress", args=[o["upload_of_submitter_a"].pk]),
        row(302, 404, 404, 404, 200, 404, 404, 404),
        note="only the uploader",
    ),
    Case(
        "reporting:bulk-upload",
        lambda w, o: reverse("reporting:bulk-upload"),
        row(302, 403, 403, 200, 200, 200, 403, 403),
    ),
]


def _api_pack(name, key):
    return lambda w, o: reverse(f"api:reporting-{name}", args=[o[key].pk])


CURATE_PACK_A_API = row(401, 403, 403, 200, 403, 404, 404, 403)
MATRIX += [
    Case("api:reporting-measure-list", lambda w, o: reverse("api:reporting-measure-list"), SIGNED_IN_API, api=True),
    Case(
        "api:reporting-measure-detail",
        lambda w, o: reverse("api:reporting-measure-detail", args=["UEC-ED4H"]),
        SIGNED_IN_API,
        api=True,
    ),
    Case(
        "api:reporting-trajectory-list",
        lambda w, o: reverse("api:reporting-trajectory-list"),
        SIGNED_IN_API,
        api=True,
    ),
    Case(
        "api:reporting-trajectory-list",
        lambda w, o: reverse("api:reporting-trajectory-list"),
        # NHS P&I analysts (and administrators) curate trajectories.
        row(401, 403, 403, 200, 403, 403, 403, 200),
        method="post",
        data=lambda w, o, p: [{"organisation": "ORGA", "measure": "UEC-ED4H", "period": "2026-05", "value": 72}],
        api=True,
    ),
    Case("api:reporting-pack-list", lambda w, o: reverse("api:reporting-pack-list"), SIGNED_IN_API, api=True),
    Case(
        "api:reporting-pack-list",
        lambda w, o: reverse("api:reporting-pack-list"),
        row(401, 403, 403, 201, 201, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"organisation": "ORGA", "period": "2026-10"},
        api=True,
    ),
    Case("api:reporting-pack-detail", _api_pack("pack-detail", "pack_a"), PRIVATE_A_API, api=True),
    Case(
        "api:reporting-pack-detail",
        _api_pack("pack-detail", "pack_a_released"),
        SIGNED_IN_API,
        api=True,
        note="released",
    ),
    Case("api:reporting-pack-values", _api_pack("pack-values", "pack_a"), PRIVATE_A_API, api=True),
    Case(
        "api:reporting-pack-values",
        _api_pack("pack-values", "pack_a"),
        row(401, 403, 403, 200, 200, 404, 404, 403),
        method="post",
        data=_version("pack_a", values=[{"measure": "UEC-ED4H", "value": "70"}]),
        api=True,
    ),
    Case(
        "api:reporting-pack-submit",
        _api_pack("pack-submit", "pack_a"),
        row(401, 403, 403, 403, 200, 404, 404, 403),
        method="post",
        data=_version("pack_a"),
        api=True,
    ),
    Case(
        "api:reporting-pack-return",
        _api_pack("pack-return", "pack_a_submitted"),
        CURATE_PACK_A_API,
        method="post",
        data=_version("pack_a_submitted", comment="Check the stroke figures."),
        api=True,
    ),
    Case(
        "api:reporting-pack-validate",
        _api_pack("pack-validate", "pack_a_submitted"),
        CURATE_PACK_A_API,
        method="post",
        data=_version("pack_a_submitted"),
        api=True,
    ),
    Case(
        "api:reporting-pack-release",
        _api_pack("pack-release", "pack_a_validated"),
        CURATE_PACK_A_API,
        method="post",
        data=_version("pack_a_validated"),
        api=True,
    ),
    Case(
        "api:reporting-pack-correct",
        _api_pack("pack-correct", "pack_a_released"),
        # A released pack is seen by everyone signed in; only NHS P&I corrects it.
        row(401, 403, 403, 201, 403, 403, 403, 403),
        method="post",
        data=_version("pack_a_released", reason="The stroke figure was April's."),
        api=True,
    ),
    Case(
        "api:reporting-daily-value-list",
        lambda w, o: reverse("api:reporting-daily-value-list"),
        SIGNED_IN_API,
        api=True,
    ),
    Case(
        "api:reporting-daily-value-list",
        lambda w, o: reverse("api:reporting-daily-value-list"),
        # The organisation's submitters for their own organisation; NHS P&I for any.
        row(401, 403, 403, 200, 200, 403, 403, 403),
        method="post",
        data=lambda w, o, p: [{"organisation": "ORGA", "measure": "UEC-ED4H-D", "day": "2026-05-01", "value": 68}],
        api=True,
    ),
    Case(
        "api:reporting-spc-list",
        lambda w, o: reverse("api:reporting-spc-list") + "?measure=UEC-ED4H&organisation=ORGA",
        SIGNED_IN_API,
        api=True,
        note="released numbers only",
    ),
    Case(
        "api:reporting-suggested-level-list",
        lambda w, o: reverse("api:reporting-suggested-level-list") + "?organisation=ORGA",
        # Advice to those who decide: WG and NHS P&I.
        row(401, 200, 200, 200, 403, 403, 403, 403),
        api=True,
    ),
]


MATRIX += [
    Case("reporting:measure-list", lambda w, o: reverse("reporting:measure-list"), SIGNED_IN_PAGE),
    Case(
        "reporting:measure-detail", lambda w, o: reverse("reporting:measure-detail", args=["UEC-ED4H"]), SIGNED_IN_PAGE
    ),
    Case(
        "reporting:measure-detail",
        lambda w, o: reverse("reporting:measure-detail", args=["UEC-ED4H"]) + "?organisation=ORGA",
        SIGNED_IN_PAGE,
        note="released numbers only",
    ),
    Case("reporting:dashboard", lambda w, o: reverse("reporting:dashboard"), SIGNED_IN_PAGE),
    Case("reporting:system-dashboard", lambda w, o: reverse("reporting:system-dashboard"), SIGNED_IN_PAGE),
]


def _binding_form(criterion, version=0):
    prefix = f"b{criterion.pk}"
    return {
        f"{prefix}-version": version,
        f"{prefix}-measure": "UEC-ED12H",
        f"{prefix}-operator": "le",
        f"{prefix}-threshold": "500",
        f"{prefix}-consecutive_months": 3,
    }


def _bound(world, criterion):
    """Bind organisation A's criterion (inside the persona's savepoint, so rolled back after)."""
    from reporting import bindings
    from reporting.models import Measure

    return bindings.criterion_bind(
        actor=world.personas["analyst"],
        criterion=criterion,
        measure=Measure.objects.get(code="UEC-ED12H"),
        operator="le",
        threshold=500,
        consecutive_months=3,
    )


# Binding a criterion to a measure from the case page: NHS P&I analysts only (redirected back to
# the case on success); WG, the administrator and A's submitter see the criterion but may not
# bind it (403); B's submitter and HIW do not see it (404).
MATRIX += [
    Case(
        "reporting:criterion-binding",
        lambda w, o: reverse("reporting:criterion-binding", args=[o["criterion_a"].pk]),
        row(302, 403, 403, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: _binding_form(o["criterion_a"]),
    ),
    Case(
        "reporting:criterion-unbind",
        lambda w, o: reverse("reporting:criterion-unbind", args=[o["criterion_a"].pk]),
        row(302, 403, 403, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {f"u{o['criterion_a'].pk}-version": _bound(w, o["criterion_a"]).version},
    ),
]


# --- Documents (letters and PDFs) -------------------------------------------------------------
def _document_a(stage):
    """A letter of organisation A's at ``stage`` (made inside the persona's savepoint, so rolled
    back after), kept in the objects for the request body to read its version."""

    def make(w, o):
        from reporting import documents

        official = w.personas["official"]
        doc = documents.document_draft_from_decision(actor=w.personas["analyst"], decision=o["decided_a"])
        if stage != "draft":
            doc = documents.document_approve(actor=official, document=doc, expected_version=doc.version)
        if stage == "issued":
            doc = documents.document_issue_now(doc.pk, official.pk)
        o["document"] = doc
        return doc

    return make


def _document_url(name, stage):
    return lambda w, o: reverse(f"reporting:{name}", args=[_document_a(stage)(w, o).pk])


def _document_edit(w, o, p):
    return {"version": o["document"].version, "title": "T", "language": "en", "addressee_name": "A", "body": "B"}


# Documents: WG, NHS P&I and the administrator see every one; organisation A's people see A's
# issued letters only, never drafts. Drafting and correcting: WG and NHS P&I; approving: WG
# officials and decision makers; issuing: WG. Organisation B and HIW: 404.
WG_ON_DOCUMENT_A = row(302, 302, 302, 403, 404, 404, 404, 403)
MATRIX += [
    Case("reporting:document-list", lambda w, o: reverse("reporting:document-list"), SIGNED_IN_PAGE),
    Case(
        "reporting:document-detail",
        _document_url("document-detail", "draft"),
        row(302, 200, 200, 200, 404, 404, 404, 200),
        note="draft",
    ),
    Case("reporting:document-detail", _document_url("document-detail", "issued"), PRIVATE_A_PAGE, note="issued"),
    Case("reporting:document-download", _document_url("document-download", "issued"), PRIVATE_A_PAGE),
    Case(
        "reporting:document-edit",
        _document_url("document-edit", "draft"),
        row(302, 302, 302, 302, 404, 404, 404, 403),
        method="post",
        data=_document_edit,
    ),
    Case(
        "reporting:document-approve",
        _document_url("document-approve", "draft"),
        WG_ON_DOCUMENT_A,
        method="post",
        data=lambda w, o, p: {"version": o["document"].version},
    ),
    Case(
        "reporting:document-issue",
        _document_url("document-issue", "approved"),
        WG_ON_DOCUMENT_A,
        method="post",
        data=lambda w, o, p: {"version": o["document"].version},
    ),
    Case(
        "reporting:document-reissue",
        _document_url("document-reissue", "issued"),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"reason": "Wrong date"},
    ),
    Case(
        "reporting:document-draft",
        lambda w, o: reverse("reporting:document-draft", args=[o["decided_a"].pk]),
        row(302, 200, 200, 200, 403, 404, 404, 403),
    ),
    Case(
        "reporting:document-draft",
        lambda w, o: reverse("reporting:document-draft", args=[o["decided_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"language": "bilingual"},
    ),
]

# --- Publication ------------------------------------------------------------------------------
# Making things public: WG officials and decision makers only; organisation B and HIW cannot even
# see A's decision (404). The public register itself: everyone, signed in or not.


def _published_decision_a(w, o):
    from reporting import publication

    publication.decision_publish(actor=w.personas["official"], decision=o["decided_a"], summary="Public summary")
    return reverse("reporting:decision-publication-withdraw", args=[o["decided_a"].pk])


def _public_summary_a(published: bool):
    def make(w, o):
        from oversight.concurrency import create_recorded
        from reporting import documents, publication
        from reporting.models import Document

        official = w.personas["official"]
        doc = create_recorded(
            Document(
                kind="public_summary",
                title="Public summary",
                organisation=w.org_a,
                year=2026,
                addressee_name="The public",
                drafted_by=w.personas["analyst"],
            )
        )
        doc = documents.document_approve(actor=official, document=doc, expected_version=doc.version)
        doc = documents.document_issue_now(doc.pk, official.pk)
        if published:
            record = publication.document_publish(actor=official, document=doc)
            o["published_document"] = record
            return reverse("public:document-download", args=[record.register_number])
        return reverse("reporting:document-publish", args=[doc.pk])

    return make


def _published_summary_withdraw(w, o):
    _public_summary_a(True)(w, o)
    return reverse("reporting:document-publication-withdraw", args=[o["published_document"].document_id])


PUBLISHERS_ON_A = row(302, 302, 302, 403, 403, 404, 404, 403)
PUBLIC_PAGE = everyone(200, 200)
MATRIX += [
    Case(
        "reporting:decision-publication",
        lambda w, o: reverse("reporting:decision-publication", args=[o["decided_a"].pk]),
        row(302, 200, 200, 403, 403, 404, 404, 403),
    ),
    Case(
        "reporting:decision-publish",
        lambda w, o: reverse("reporting:decision-publish", args=[o["decided_a"].pk]),
        PUBLISHERS_ON_A,
        method="post",
        data=lambda w, o, p: {"summary": "Waits have risen for six months."},
    ),
    Case(
        "reporting:decision-publication-withdraw",
        _published_decision_a,
        PUBLISHERS_ON_A,
        method="post",
        data=lambda w, o, p: {"reason": "Published in error", "version": 1},
    ),
    Case("reporting:document-publish", _public_summary_a(False), PUBLISHERS_ON_A, method="post"),
    Case(
        "reporting:document-publication-withdraw",
        _published_summary_withdraw,
        PUBLISHERS_ON_A,
        method="post",
        data=lambda w, o, p: {"reason": "Superseded", "version": o["published_document"].version},
    ),
    Case("public:register", lambda w, o: reverse("public:register"), PUBLIC_PAGE),
    Case("public:register", lambda w, o: reverse("public:register") + "?format=csv", PUBLIC_PAGE, note="CSV"),
    Case("public:decisions", lambda w, o: reverse("public:decisions") + "?format=json", PUBLIC_PAGE, note="JSON"),
    Case("public:decisions", lambda w, o: reverse("public:decisions"), PUBLIC_PAGE),
    Case("public:documents", lambda w, o: reverse("public:documents"), PUBLIC_PAGE),
    Case("public:document-download", _public_summary_a(True), PUBLIC_PAGE),
    Case("public:organisation", lambda w, o: reverse("public:organisation", args=[w.org_a.code]), PUBLIC_PAGE),
]

# --- Composed documents: agenda packs, pack PDFs, public accountability summaries -------------
# Drafted by WG and NHS P&I (a post goes on to the new document: 302). Organisation A's own people
# see A's meeting and pack but do not draft (403); organisation B and HIW do not see A's meeting or
# A's unreleased pack (404); a released pack is seen by everyone signed in (403 if they do not
# draft). The preview of a document not yet issued is for those who see drafts; an issued one is
# sent on to its download.
DRAFTS_ON_A_PAGE = row(302, 200, 200, 200, 403, 404, 404, 403)
DRAFTS_ON_A_POST = row(302, 302, 302, 302, 403, 404, 404, 403)
DRAFTS_ANYWHERE_PAGE = row(302, 200, 200, 200, 403, 403, 403, 403)
DRAFTS_ANYWHERE_POST = row(302, 302, 302, 302, 403, 403, 403, 403)
MATRIX += [
    Case(
        "reporting:agenda-pack-draft",
        lambda w, o: reverse("reporting:agenda-pack-draft", args=[o["meeting_a"].pk]),
        DRAFTS_ON_A_PAGE,
    ),
    Case(
        "reporting:agenda-pack-draft",
        lambda w, o: reverse("reporting:agenda-pack-draft", args=[o["meeting_a"].pk]),
        DRAFTS_ON_A_POST,
        method="post",
        data=lambda w, o, p: {"language": "en"},
    ),
    Case(
        "reporting:pack-pdf-draft",
        lambda w, o: reverse("reporting:pack-pdf-draft", args=[o["pack_a"].pk]),
        DRAFTS_ON_A_PAGE,
        note="unreleased",
    ),
    Case(
        "reporting:pack-pdf-draft",
        lambda w, o: reverse("reporting:pack-pdf-draft", args=[o["pack_a"].pk]),
        DRAFTS_ON_A_POST,
        method="post",
        data=lambda w, o, p: {"language": "en"},
        note="unreleased",
    ),
    Case(
        "reporting:pack-pdf-draft",
        lambda w, o: reverse("reporting:pack-pdf-draft", args=[o["pack_a_released"].pk]),
        DRAFTS_ANYWHERE_PAGE,
        note="released",
    ),
    Case(
        "reporting:public-summary-draft",
        lambda w, o: reverse("reporting:public-summary-draft"),
        DRAFTS_ANYWHERE_PAGE,
    ),
    Case(
        "reporting:public-summary-draft",
        lambda w, o: reverse("reporting:public-summary-draft"),
        DRAFTS_ANYWHERE_POST,
        method="post",
        data=lambda w, o, p: {"organisation": w.org_a.pk, "year": 2026, "language": "en"},
    ),
    Case(
        "reporting:document-preview",
        _document_url("document-preview", "draft"),
        row(302, 200, 200, 200, 404, 404, 404, 200),
        note="draft",
    ),
    Case(
        "reporting:document-preview",
        _document_url("document-preview", "issued"),
        row(302, 302, 302, 302, 302, 404, 404, 302),
        note="issued: sent on to the download",
    ),
]

# --- Post-meeting letters, letters of concern and batches of documents ------------------------
# The letter after organisation A's review (held, inside the persona's savepoint) and a letter of
# concern about A's level 2 case: drafted by WG and NHS P&I; A's own people see the meeting and
# the case but do not draft (403); B and HIW do not see them (404). A batch holds many
# organisations' drafts: WG, NHS P&I and the administrator see batches (others: 403 on the list,
# 404 on a batch); drafters start one; officials and decision makers approve all (the analyst
# started it, so the official may approve); WG issues.


def _held_meeting_a(w, o):
    from datetime import date

    from meetings import services as meeting_services
    from meetings.models import Meeting

    meeting = Meeting.objects.get(pk=o["meeting_a"].pk)
    if meeting.status != "held":
        meeting = meeting_services.meeting_advance(
            actor=w.personas["official"],
            meeting=meeting,
            expected_version=meeting.version,
            to_status="held",
            on=date(2026, 12, 9),
        )
    return meeting


def _batch_a(stage):
    def make(w, o):
        from datetime import date

        from reporting import batches

        _held_meeting_a(w, o)
        batch = batches.batch_create_post_meeting_letters(actor=w.personas["analyst"], month=date(2026, 12, 1))
        if stage == "approved":
            batches.batch_approve_drafts(actor=w.personas["official"], batch=batch)
        o["batch"] = batch
        return batch

    return make


def _batch_url(name, stage):
    return lambda w, o: reverse(f"reporting:{name}", args=[_batch_a(stage)(w, o).pk])


SEES_BATCHES = row(302, 200, 200, 200, 403, 403, 403, 200)
MATRIX += [
    Case(
        "reporting:meeting-letter-draft",
        lambda w, o: reverse("reporting:meeting-letter-draft", args=[_held_meeting_a(w, o).pk]),
        row(302, 200, 200, 200, 403, 404, 404, 403),
    ),
    Case(
        "reporting:meeting-letter-draft",
        lambda w, o: reverse("reporting:meeting-letter-draft", args=[_held_meeting_a(w, o).pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"language": "en"},
    ),
    Case(
        "reporting:concern-letter-draft",
        lambda w, o: reverse("reporting:concern-letter-draft", args=[o["case_a"].pk]),
        row(302, 200, 200, 200, 403, 404, 404, 403),
    ),
    Case(
        "reporting:concern-letter-draft",
        lambda w, o: reverse("reporting:concern-letter-draft", args=[o["case_a"].pk]),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"language": "en", "respond_by": "2099-01-31"},
    ),
    Case("reporting:batch-list", lambda w, o: reverse("reporting:batch-list"), SEES_BATCHES),
    Case("reporting:batch-list", lambda w, o: reverse("reporting:batch-list") + "?export=csv", SEES_BATCHES),
    Case(
        "reporting:batch-create",
        lambda w, o: reverse("reporting:batch-create"),
        row(302, 200, 200, 200, 403, 403, 403, 403),
    ),
    Case(
        "reporting:batch-create",
        lambda w, o: _held_meeting_a(w, o) and reverse("reporting:batch-create"),
        row(302, 302, 302, 302, 403, 403, 403, 403),
        method="post",
        data=lambda w, o, p: {"month": "2026-12"},
    ),
    Case("reporting:batch-detail", _batch_url("batch-detail", "draft"), row(302, 200, 200, 200, 404, 404, 404, 200)),
    Case(
        "reporting:batch-approve",
        _batch_url("batch-approve", "draft"),
        row(302, 302, 302, 403, 404, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {},
    ),
    Case(
        "reporting:batch-issue",
        _batch_url("batch-issue", "approved"),
        row(302, 302, 302, 403, 404, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["batch"].version},
    ),
]

# --- Plans and accountability ----------------------------------------------------------------
# An organisation's plans, conditions, evidence and submissions are its private data: WG, NHS P&I,
# the administrator and its own people see them; organisation B's submitter and HIW get 404.
# WG and NHS P&I record plans, outcomes, responses and conditions and judge the conditions; only
# the organisation's own staff file evidence; a submission is received from its own staff or
# recorded by WG and NHS P&I. The administrator sees but does none of it.
PLANS_MANAGE_A_PAGE = row(302, 200, 200, 200, 403, 404, 404, 403)
PLANS_MANAGE_A_POST = row(302, 302, 302, 302, 403, 404, 404, 403)
PLANS_MANAGE_A_API = row(401, 200, 200, 200, 403, 404, 404, 403)
PLANS_CREATE_A_API = row(401, 201, 201, 201, 403, 404, 404, 403)


def _plans_url(name, key):
    return lambda w, o: reverse(f"plans:{name}", args=[o[key].pk])


def _plans_api(name, key):
    return lambda w, o: reverse(f"api:plans-{name}", args=[o[key].pk])


def _plan_form(w, o, p):
    return {"cycle": o["cycle"].pk, "plan_type": "imtp", "submitted_on": "2025-03-28", "financially_balanced": "True"}


MATRIX += [
    Case("plans:overview", lambda w, o: reverse("plans:overview"), SIGNED_IN_PAGE),
    Case("plans:overview", lambda w, o: reverse("plans:overview") + "?export=csv", SIGNED_IN_PAGE, note="export"),
    Case("plans:condition-list", lambda w, o: reverse("plans:condition-list"), SIGNED_IN_PAGE),
    Case(
        "plans:condition-list",
        lambda w, o: reverse("plans:condition-list") + "?export=csv",
        SIGNED_IN_PAGE,
        note="export",
    ),
    Case("plans:organisation", lambda w, o: reverse("plans:organisation", args=[w.org_a.pk]), PRIVATE_A_PAGE),
    Case("plans:organisation", lambda w, o: reverse("plans:organisation", args=[w.org_b.pk]), PRIVATE_B_PAGE),
    Case("plans:plan-create", lambda w, o: reverse("plans:plan-create", args=[w.org_a.pk]), PLANS_MANAGE_A_PAGE),
    Case(
        "plans:plan-create",
        lambda w, o: reverse("plans:plan-create", args=[w.org_a.pk]),
        PLANS_MANAGE_A_POST,
        method="post",
        data=_plan_form,
    ),
    Case("plans:plan-detail", _plans_url("plan-detail", "imtp_a"), PRIVATE_A_PAGE),
    Case("plans:plan-detail", _plans_url("plan-detail", "imtp_b"), PRIVATE_B_PAGE),
    Case("plans:plan-edit", _plans_url("plan-edit", "imtp_a"), PLANS_MANAGE_A_PAGE),
    Case(
        "plans:plan-edit",
        _plans_url("plan-edit", "imtp_a"),
        PLANS_MANAGE_A_POST,
        method="post",
        data=lambda w, o, p: {**_plan_form(w, o, p), "version": o["imtp_a"].version},
    ),
    Case(
        "plans:plan-outcome",
        _plans_url("plan-outcome", "imtp_a"),
        PLANS_MANAGE_A_POST,
        method="post",
        data=lambda w, o, p: {"version": o["imtp_a"].version, "outcome": "approved", "outcome_on": "2025-07-14"},
    ),
    Case(
        "plans:response-record",
        _plans_url("response-record", "imtp_a"),
        PLANS_MANAGE_A_POST,
        method="post",
        data=lambda w, o, p: {"version": o["response_a"].version, "issued_on": "2025-07-20", "summary": "Changed"},
    ),
    Case(
        "plans:condition-add",
        _plans_url("condition-add", "imtp_a"),
        PLANS_MANAGE_A_POST,
        method="post",
        data=lambda w, o, p: {
            "new-text": "Agree trajectories",
            "new-pillar": o["finance_pillar"].pk,
            "new-due_on": "2027-03-31",
            "new-owner": "Chief Operating Officer",
        },
    ),
    Case(
        "plans:condition-status",
        _plans_url("condition-status", "condition_a"),
        PLANS_MANAGE_A_POST,
        method="post",
        data=lambda w, o, p: {
            f"c{o['condition_a'].pk}-version": o["condition_a"].version,
            f"c{o['condition_a'].pk}-status": "not_met",
            f"c{o['condition_a'].pk}-note": "Missed",
        },
    ),
    Case(
        "plans:condition-evidence",
        _plans_url("condition-evidence", "condition_a"),
        row(302, 403, 403, 403, 302, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {f"e{o['condition_a'].pk}-file": pdf(), f"e{o['condition_a'].pk}-note": "Minutes"},
        note="only the organisation's own staff",
    ),
    Case(
        "plans:submission-receive",
        _plans_url("submission-receive", "submission_a"),
        row(302, 200, 200, 200, 200, 404, 404, 403),
    ),
    Case(
        "plans:submission-receive",
        _plans_url("submission-receive", "submission_b"),
        row(302, 200, 200, 200, 404, 200, 404, 403),
    ),
    Case(
        "plans:submission-receive",
        _plans_url("submission-receive", "submission_a"),
        row(302, 302, 302, 302, 302, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["submission_a"].version, "received_on": "2026-11-20", "file": pdf()},
    ),
    # API
    Case("api:plans-plan-list", lambda w, o: reverse("api:plans-plan-list"), SIGNED_IN_API, api=True),
    Case(
        "api:plans-plan-list",
        lambda w, o: reverse("api:plans-plan-list"),
        PLANS_CREATE_A_API,
        method="post",
        data=lambda w, o, p: {
            "organisation": "ORGA",
            "cycle": "2025-28",
            "plan_type": "imtp",
            "submitted_on": "2025-03-28",
            "financially_balanced": True,
        },
        api=True,
    ),
    Case("api:plans-plan-detail", _plans_api("plan-detail", "imtp_a"), PRIVATE_A_API, api=True),
    Case("api:plans-plan-detail", _plans_api("plan-detail", "imtp_b"), PRIVATE_B_API, api=True),
    Case(
        "api:plans-plan-edit",
        _plans_api("plan-edit", "imtp_a"),
        PLANS_MANAGE_A_API,
        method="post",
        data=lambda w, o, p: {"version": o["imtp_a"].version, "financially_balanced": False},
        api=True,
    ),
    Case(
        "api:plans-plan-outcome",
        _plans_api("plan-outcome", "imtp_a"),
        PLANS_MANAGE_A_API,
        method="post",
        data=lambda w, o, p: {"version": o["imtp_a"].version, "outcome": "not_approved", "outcome_on": "2025-07-14"},
        api=True,
    ),
    Case(
        "api:plans-plan-response",
        _plans_api("plan-response", "imtp_a"),
        PLANS_MANAGE_A_API,
        method="post",
        data=lambda w, o, p: {"version": o["response_a"].version, "issued_on": "2025-07-20", "summary": "Changed"},
        api=True,
    ),
    Case("api:plans-condition-list", lambda w, o: reverse("api:plans-condition-list"), SIGNED_IN_API, api=True),
    Case(
        "api:plans-condition-list",
        lambda w, o: reverse("api:plans-condition-list"),
        PLANS_CREATE_A_API,
        method="post",
        data=lambda w, o, p: {
            "plan": o["imtp_a"].pk,
            "text": "Agree trajectories",
            "pillar": "delivery",
            "due_on": "2027-03-31",
            "owner": "Chief Operating Officer",
        },
        api=True,
    ),
    Case("api:plans-condition-detail", _plans_api("condition-detail", "condition_a"), PRIVATE_A_API, api=True),
    Case("api:plans-condition-detail", _plans_api("condition-detail", "condition_b"), PRIVATE_B_API, api=True),
    Case(
        "api:plans-condition-set-status",
        _plans_api("condition-set-status", "condition_a"),
        PLANS_MANAGE_A_API,
        method="post",
        data=lambda w, o, p: {"version": o["condition_a"].version, "status": "not_met", "note": "Missed"},
        api=True,
    ),
    Case("api:plans-condition-evidence", _plans_api("condition-evidence", "condition_a"), PRIVATE_A_API, api=True),
    Case(
        "api:plans-condition-evidence",
        _plans_api("condition-evidence", "condition_a"),
        row(401, 403, 403, 403, 201, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"note": "Board minutes, 3 March"},
        api=True,
        note="only the organisation's own staff",
    ),
    Case("api:plans-submission-list", lambda w, o: reverse("api:plans-submission-list"), SIGNED_IN_API, api=True),
    Case("api:plans-submission-detail", _plans_api("submission-detail", "submission_a"), PRIVATE_A_API, api=True),
    Case("api:plans-submission-detail", _plans_api("submission-detail", "submission_b"), PRIVATE_B_API, api=True),
    Case(
        "api:plans-submission-receive",
        _plans_api("submission-receive", "submission_a"),
        row(401, 200, 200, 200, 200, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["submission_a"].version, "received_on": "2026-11-20"},
        api=True,
    ),
    Case(
        "api:plans-priority-progress-list",
        lambda w, o: reverse("api:plans-priority-progress-list") + "?organisation=ORGA",
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:plans-priority-progress-list",
        lambda w, o: reverse("api:plans-priority-progress-list") + "?organisation=ORGB",
        PRIVATE_B_API,
        api=True,
    ),
]

# --- Accountability ---------------------------------------------------------------------------
# Organisation A's Chair objectives, flexibilities and Well-led self-assessments are its private
# data: WG, NHS P&I, the administrator and A's own people see them; B's submitter and HIW get 404.
# WG (officials, decision makers) set objectives and grant flexibilities; evidence on an objective
# comes from WG or A's own staff; A's own staff prepare and submit the self-assessment and NHS P&I
# assesses it. The monthly synthesis is WG and NHS P&I's only: everyone else (organisations, HIW,
# the administrator) gets a 404, list included; NHS P&I analysts write and sign it off.
ACC_WG_MANAGES_A_PAGE = row(302, 200, 200, 403, 403, 404, 404, 403)
ACC_WG_MANAGES_A_POST = row(302, 302, 302, 403, 403, 404, 404, 403)
ACC_OWN_STAFF_A_POST = row(302, 403, 403, 403, 302, 404, 404, 403)
ACC_SYNTHESIS_PAGE = row(302, 200, 200, 200, 404, 404, 404, 404)
ACC_SYNTHESIS_API = row(401, 200, 200, 200, 404, 404, 404, 404)
ACC_ANALYST_WRITES_POST = row(302, 403, 403, 302, 404, 404, 404, 404)
ACC_ANALYST_WRITES_API = row(401, 403, 403, 200, 404, 404, 404, 404)


def _acc_url(name, key):
    return lambda w, o: reverse(f"accountability:{name}", args=[o[key].pk])


def _acc_api(name, key):
    return lambda w, o: reverse(f"api:accountability-{name}", args=[o[key].pk])


def _acc_org(name, which="org_a"):
    return lambda w, o: reverse(f"accountability:{name}", args=[getattr(w, which).pk])


def _acc_ratings_form(key):
    def data(w, o, p):
        from accountability.choices import WellLedArea

        body = {"version": o[key].version, "summary": "Matrix"}
        for area in WellLedArea.values:
            body[f"rating_{area}"] = "3"
            body[f"commentary_{area}"] = ""
        return body

    return data


def _acc_ratings_api(key):
    def data(w, o, p):
        from accountability.choices import WellLedArea

        return {"version": o[key].version, "ratings": {a: {"rating": 3} for a in WellLedArea.values}}

    return data


def _acc_recommendation_form(prefix_key, prefix):
    def data(w, o, p):
        pk = o[prefix_key].pk
        return {
            f"{prefix}{pk}-recommendation": "escalate",
            f"{prefix}{pk}-domain": "",
            f"{prefix}{pk}-recommended_level": "2",
            f"{prefix}{pk}-rationale": "Matrix",
            **({f"{prefix}{pk}-version": o[prefix_key].version} if prefix == "re" else {}),
        }

    return data


MATRIX += [
    Case("accountability:organisation", _acc_org("organisation"), PRIVATE_A_PAGE),
    Case("accountability:organisation", _acc_org("organisation", "org_b"), PRIVATE_B_PAGE),
    Case("accountability:earned-autonomy", _acc_org("earned-autonomy"), PRIVATE_A_PAGE),
    Case("accountability:objective-create", _acc_org("objective-create"), ACC_WG_MANAGES_A_PAGE),
    Case(
        "accountability:objective-create",
        _acc_org("objective-create"),
        ACC_WG_MANAGES_A_POST,
        method="post",
        data=lambda w, o, p: {"year": o["acc_today"].year, "text": "Matrix objective"},
    ),
    Case("accountability:flexibility-grant", _acc_org("flexibility-grant"), ACC_WG_MANAGES_A_PAGE),
    Case(
        "accountability:flexibility-grant",
        _acc_org("flexibility-grant"),
        ACC_WG_MANAGES_A_POST,
        method="post",
        data=lambda w, o, p: {"what": "Matrix", "reason": "Matrix", "granted_on": o["acc_today"].isoformat()},
    ),
    Case(
        "accountability:assessment-start",
        _acc_org("assessment-start"),
        row(302, 403, 403, 403, 200, 404, 404, 403),
        note="only the organisation's own staff",
    ),
    Case(
        "accountability:assessment-start",
        _acc_org("assessment-start"),
        row(302, 403, 403, 403, 200, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"year": 2000},
        note="a year long past: the form comes back with the refusal",
    ),
    Case("accountability:letter-draft", _acc_org("letter-draft"), row(302, 200, 200, 200, 403, 404, 404, 403)),
    Case(
        "accountability:letter-draft",
        _acc_org("letter-draft"),
        row(302, 302, 302, 302, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"year": o["acc_today"].year},
    ),
    Case("accountability:objective-list", lambda w, o: reverse("accountability:objective-list"), SIGNED_IN_PAGE),
    Case(
        "accountability:objective-list",
        lambda w, o: reverse("accountability:objective-list") + "?export=csv",
        SIGNED_IN_PAGE,
        note="export",
    ),
    Case("accountability:objective-detail", _acc_url("objective-detail", "objective_a"), PRIVATE_A_PAGE),
    Case("accountability:objective-detail", _acc_url("objective-detail", "objective_b"), PRIVATE_B_PAGE),
    Case(
        "accountability:objective-update",
        _acc_url("objective-update", "objective_a"),
        ACC_WG_MANAGES_A_POST,
        method="post",
        data=lambda w, o, p: {"version": o["objective_a"].version, "status": "on_track", "progress_notes": ""},
    ),
    Case(
        "accountability:objective-evidence",
        _acc_url("objective-evidence", "objective_a"),
        row(302, 302, 302, 403, 302, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"file": pdf()},
    ),
    Case("accountability:flexibility-list", lambda w, o: reverse("accountability:flexibility-list"), SIGNED_IN_PAGE),
    Case(
        "accountability:flexibility-list",
        lambda w, o: reverse("accountability:flexibility-list") + "?export=csv",
        SIGNED_IN_PAGE,
        note="export",
    ),
    Case("accountability:assessment-list", lambda w, o: reverse("accountability:assessment-list"), SIGNED_IN_PAGE),
    Case(
        "accountability:assessment-list",
        lambda w, o: reverse("accountability:assessment-list") + "?export=csv",
        SIGNED_IN_PAGE,
        note="export",
    ),
    Case("accountability:assessment-detail", _acc_url("assessment-detail", "assessment_a"), PRIVATE_A_PAGE),
    Case("accountability:assessment-detail", _acc_url("assessment-detail", "assessment_b"), PRIVATE_B_PAGE),
    Case(
        "accountability:assessment-edit",
        _acc_url("assessment-edit", "assessment_a"),
        ACC_OWN_STAFF_A_POST,
        method="post",
        data=_acc_ratings_form("assessment_a"),
    ),
    Case(
        "accountability:assessment-evidence",
        _acc_url("assessment-evidence", "assessment_a"),
        ACC_OWN_STAFF_A_POST,
        method="post",
        data=lambda w, o, p: {"file": pdf(), "area": "governance_risk"},
    ),
    Case(
        "accountability:assessment-submit",
        _acc_url("assessment-submit", "assessment_a"),
        ACC_OWN_STAFF_A_POST,
        method="post",
        data=lambda w, o, p: {"version": o["assessment_a"].version},
    ),
    Case(
        "accountability:assessment-review",
        _acc_url("assessment-review", "assessment_a_submitted"),
        row(302, 403, 403, 302, 403, 404, 404, 403),
        method="post",
        data=_acc_ratings_form("assessment_a_submitted"),
    ),
    Case("accountability:synthesis-list", lambda w, o: reverse("accountability:synthesis-list"), ACC_SYNTHESIS_PAGE),
    Case(
        "accountability:synthesis-list",
        lambda w, o: reverse("accountability:synthesis-list") + "?export=csv",
        ACC_SYNTHESIS_PAGE,
        note="export",
    ),
    Case("accountability:synthesis-detail", _acc_url("synthesis-detail", "synthesis"), ACC_SYNTHESIS_PAGE),
    Case(
        "accountability:synthesis-summary",
        _acc_url("synthesis-summary", "synthesis"),
        ACC_ANALYST_WRITES_POST,
        method="post",
        data=lambda w, o, p: {"version": o["synthesis"].version, "summary": "Matrix"},
    ),
    Case(
        "accountability:synthesis-signoff",
        _acc_url("synthesis-signoff", "synthesis"),
        row(302, 403, 403, 200, 404, 404, 404, 404),
        method="post",
        data=lambda w, o, p: {"version": o["synthesis"].version},
        note="not every organisation is written up: the page comes back with the refusal",
    ),
    Case(
        "accountability:entry-update",
        _acc_url("entry-update", "entry_a"),
        ACC_ANALYST_WRITES_POST,
        method="post",
        data=lambda w, o, p: {
            f"e{o['entry_a'].pk}-version": o["entry_a"].version,
            f"e{o['entry_a'].pk}-risks": "Matrix",
            f"e{o['entry_a'].pk}-mitigations": "",
            f"e{o['entry_a'].pk}-actions": "",
        },
    ),
    Case(
        "accountability:recommendation-add",
        _acc_url("recommendation-add", "entry_a"),
        ACC_ANALYST_WRITES_POST,
        method="post",
        data=_acc_recommendation_form("entry_a", "r"),
    ),
    Case(
        "accountability:recommendation-update",
        _acc_url("recommendation-update", "recommendation_a"),
        ACC_ANALYST_WRITES_POST,
        method="post",
        data=_acc_recommendation_form("recommendation_a", "re"),
    ),
    Case(
        "accountability:recommendation-start",
        _acc_url("recommendation-start", "recommendation_a"),
        row(302, 302, 302, 302, 404, 404, 404, 404),
        method="post",
        note="a draft synthesis: refused, back to it with the message",
    ),
    Case(
        "accountability:meeting-synthesis",
        lambda w, o: reverse("accountability:meeting-synthesis", args=[o["system_meeting"].pk]),
        ACC_SYNTHESIS_PAGE,
        note="organisation A is invited to the meeting, but the synthesis is not for it",
    ),
    # --- the API ---
    Case(
        "api:accountability-objective-list",
        lambda w, o: reverse("api:accountability-objective-list"),
        SIGNED_IN_API,
        api=True,
    ),
    Case(
        "api:accountability-objective-list",
        lambda w, o: reverse("api:accountability-objective-list"),
        row(401, 201, 201, 403, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"organisation": "ORGA", "year": o["acc_today"].year, "text": "Matrix"},
        api=True,
    ),
    Case("api:accountability-objective-detail", _acc_api("objective-detail", "objective_a"), PRIVATE_A_API, api=True),
    Case("api:accountability-objective-detail", _acc_api("objective-detail", "objective_b"), PRIVATE_B_API, api=True),
    Case(
        "api:accountability-objective-progress",
        _acc_api("objective-progress", "objective_a"),
        row(401, 200, 200, 403, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["objective_a"].version, "status": "on_track"},
        api=True,
    ),
    Case(
        "api:accountability-objective-evidence", _acc_api("objective-evidence", "objective_a"), PRIVATE_A_API, api=True
    ),
    Case(
        "api:accountability-objective-evidence",
        _acc_api("objective-evidence", "objective_a"),
        row(401, 201, 201, 403, 201, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"file": pdf()},
        api=True,
        extra={"format": "multipart"},
    ),
    Case(
        "api:accountability-flexibility-list",
        lambda w, o: reverse("api:accountability-flexibility-list"),
        SIGNED_IN_API,
        api=True,
    ),
    Case(
        "api:accountability-flexibility-list",
        lambda w, o: reverse("api:accountability-flexibility-list"),
        row(401, 201, 201, 403, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {
            "organisation": "ORGA",
            "what": "Matrix",
            "reason": "Matrix",
            "granted_on": o["acc_today"].isoformat(),
        },
        api=True,
    ),
    Case(
        "api:accountability-flexibility-detail",
        _acc_api("flexibility-detail", "flexibility_a"),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:accountability-assessment-list",
        lambda w, o: reverse("api:accountability-assessment-list"),
        SIGNED_IN_API,
        api=True,
    ),
    Case(
        "api:accountability-assessment-list",
        lambda w, o: reverse("api:accountability-assessment-list"),
        row(401, 403, 403, 403, 400, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"organisation": "ORGA", "year": 2000},
        api=True,
        note="a year long past: refused by the rule",
    ),
    Case(
        "api:accountability-assessment-detail", _acc_api("assessment-detail", "assessment_a"), PRIVATE_A_API, api=True
    ),
    Case(
        "api:accountability-assessment-detail", _acc_api("assessment-detail", "assessment_b"), PRIVATE_B_API, api=True
    ),
    Case(
        "api:accountability-assessment-ratings",
        _acc_api("assessment-ratings", "assessment_a"),
        row(401, 403, 403, 403, 200, 404, 404, 403),
        method="post",
        data=_acc_ratings_api("assessment_a"),
        api=True,
    ),
    Case(
        "api:accountability-assessment-evidence",
        _acc_api("assessment-evidence", "assessment_a"),
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:accountability-assessment-evidence",
        _acc_api("assessment-evidence", "assessment_a"),
        row(401, 403, 403, 403, 201, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"file": pdf()},
        api=True,
        extra={"format": "multipart"},
    ),
    Case(
        "api:accountability-assessment-submit",
        _acc_api("assessment-submit", "assessment_a"),
        row(401, 403, 403, 403, 200, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"version": o["assessment_a"].version},
        api=True,
    ),
    Case(
        "api:accountability-assessment-review",
        _acc_api("assessment-review", "assessment_a_submitted"),
        row(401, 403, 403, 200, 403, 404, 404, 403),
        method="post",
        data=_acc_ratings_api("assessment_a_submitted"),
        api=True,
    ),
    Case(
        "api:accountability-earned-autonomy-list",
        lambda w, o: reverse("api:accountability-earned-autonomy-list") + "?organisation=ORGA",
        PRIVATE_A_API,
        api=True,
    ),
    Case(
        "api:accountability-ao-letter-list",
        lambda w, o: reverse("api:accountability-ao-letter-list"),
        row(401, 201, 201, 201, 403, 404, 404, 403),
        method="post",
        data=lambda w, o, p: {"organisation": "ORGA", "year": o["acc_today"].year},
        api=True,
    ),
    Case(
        "api:accountability-synthesis-list",
        lambda w, o: reverse("api:accountability-synthesis-list"),
        ACC_SYNTHESIS_API,
        api=True,
    ),
    Case("api:accountability-synthesis-detail", _acc_api("synthesis-detail", "synthesis"), ACC_SYNTHESIS_API, api=True),
    Case(
        "api:accountability-synthesis-overview",
        _acc_api("synthesis-overview", "synthesis"),
        ACC_ANALYST_WRITES_API,
        method="post",
        data=lambda w, o, p: {"version": o["synthesis"].version, "summary": "Matrix"},
        api=True,
    ),
    Case(
        "api:accountability-synthesis-sign-off",
        _acc_api("synthesis-sign-off", "synthesis"),
        row(401, 403, 403, 400, 404, 404, 404, 404),
        method="post",
        data=lambda w, o, p: {"version": o["synthesis"].version},
        api=True,
        note="not every organisation is written up: refused",
    ),
    Case(
        "api:accountability-synthesis-entry-detail",
        _acc_api("synthesis-entry-detail", "entry_a"),
        ACC_SYNTHESIS_API,
        api=True,
    ),
    Case(
        "api:accountability-synthesis-entry-edit",
        _acc_api("synthesis-entry-edit", "entry_a"),
        ACC_ANALYST_WRITES_API,
        method="post",
        data=lambda w, o, p: {"version": o["entry_a"].version, "risks": "Matrix"},
        api=True,
    ),
    Case(
        "api:accountability-synthesis-entry-recommendations",
        _acc_api("synthesis-entry-recommendations", "entry_a"),
        row(401, 403, 403, 201, 404, 404, 404, 404),
        method="post",
        data=lambda w, o, p: {"recommendation": "escalate", "recommended_level": 2, "rationale": "Matrix"},
        api=True,
    ),
    Case(
        "api:accountability-synthesis-recommendation-detail",
        _acc_api("synthesis-recommendation-detail", "recommendation_a"),
        ACC_SYNTHESIS_API,
        api=True,
    ),
    Case(
        "api:accountability-synthesis-recommendation-edit",
        _acc_api("synthesis-recommendation-edit", "recommendation_a"),
        ACC_ANALYST_WRITES_API,
        method="post",
        data=lambda w, o, p: {
            "version": o["recommendation_a"].version,
            "recommendation": "escalate",
            "recommended_level": 3,
            "rationale": "Matrix",
        },
        api=True,
    ),
    Case(
        "api:accountability-synthesis-recommendation-start-decision",
        _acc_api("synthesis-recommendation-start-decision", "recommendation_a"),
        row(401, 400, 400, 400, 404, 404, 404, 404),
        method="post",
        api=True,
        note="a draft synthesis: refused",
    ),
]

# --- Language preference ----------------------------------------------------------------------
MATRIX += []  # language: entries go in this list


EXEMPT_NAMESPACES = {"admin"}
REPRESENTATIVES = {"admin:index"}


def _route_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _route_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{prefix}{pattern.name}")
    return names


def test_every_route_is_in_the_matrix():
    routes = {n for n in _route_names() if n.split(":")[0] not in EXEMPT_NAMESPACES} | REPRESENTATIVES
    covered = {case.route for case in MATRIX}
    missing = sorted(routes - covered)
    unknown = sorted(covered - routes)
    assert not missing, f"Routes with no permission-matrix entry: {missing}"
    assert not unknown, f"Matrix entries for routes that do not exist: {unknown}"


def test_every_case_names_every_persona():
    for case in MATRIX:
        assert set(case.expect) == set(PERSONAS), case.route


@pytest.fixture
def objects(request, world, frameworks):
    """The objects the cases request. Performance packs (five of them, with their values) are
    made only for the reporting routes that use them, to keep the matrix quick."""
    from datetime import date

    from escalation import services

    analyst, decision_maker = world.personas["analyst"], world.personas["decision_maker"]
    whole = services.Scope("organisation")
    service = services.Scope("service", service_name="Maternity and neonatal services")
    day = date(2026, 11, 2)

    def draft(organisation, scope, level):
        return services.decision_draft(
            actor=analyst, organisation=organisation, scope=scope, to_level=level, rationale="Matrix", planned_on=day
        )

    def decided(organisation):
        decision = draft(organisation, service, 2)
        return services.decision_decide(
            actor=decision_maker, decision=decision, expected_version=decision.version, decided_on=day
        )

    decided_a, decided_b = decided(world.org_a), decided(world.org_b)
    round_ = services.tripartite_round_create(
        actor=world.personas["official"], held_on=day, title="Autumn round", participants=[world.hiw]
    )
    admin = world.personas["admin"]
    a = attachment_create(
        actor=admin, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n% A's evidence\n"), organisation=world.org_a
    )
    b = attachment_create(
        actor=admin, upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4\n% B's evidence\n"), organisation=world.org_b
    )
    meetings = _meetings(world)
    return {
        **meetings,
        **(_packs(world) if _needs_packs(request) else {}),
        **(_plans(world, decided_a.case, decided_b.case) if _needs_plans(request) else {}),
        **(_accountability(world) if _needs_accountability(request) else {}),
        "attachment_a": a,
        "attachment_b": b,
        "notification_of_submitter_a": NotificationFactory(recipient=world.personas["submitter_a"]),
        "membership_b": world.personas["submitter_b"].memberships.get(),
        "draft_a": draft(world.org_a, whole, 2),
        "draft_b": draft(world.org_b, whole, 2),
        "decided_a": decided_a,
        "case_a": decided_a.case,
        "case_b": decided_b.case,
        "criterion_a": services.criterion_propose(actor=analyst, case=decided_a.case, text="Plan approved"),
        "plan_a": services.support_plan_create(actor=analyst, case=decided_a.case, kind="improvement", started_on=day),
        "concern_a": services.concern_raise(
            actor=analyst, organisation=world.org_a, title="t", description="d", on=day
        ),
        "request_a": services.request_send(
            actor=analyst, organisation=world.org_a, question="q", sent_on=day, due_on=date(2026, 11, 30)
        ),
        "round": round_,
        "view_a": services.tripartite_view_record(
            actor=world.personas["official"],
            round_=round_,
            organisation=world.org_a,
            shared_view="Finances deteriorating",
            recommendation="escalate",
            recommended_level=3,
        ),
        "intelligence_a": services.intelligence_add(
            actor=world.personas["partner"],
            organisation=world.org_a,
            body=world.hiw,
            kind="hiw_inspection",
            dated=day,
            summary="s",
            rag="red",
        ),
    }


def _needs_packs(request) -> bool:
    case = getattr(getattr(request.node, "callspec", None), "params", {}).get("case")
    return case is None or "reporting" in case.route


def _needs_plans(request) -> bool:
    case = getattr(getattr(request.node, "callspec", None), "params", {}).get("case")
    return case is None or case.route.startswith(("plans:", "api:plans-"))


def _needs_accountability(request) -> bool:
    case = getattr(getattr(request.node, "callspec", None), "params", {}).get("case")
    return case is None or case.route.startswith(("accountability:", "api:accountability-"))


def _accountability(world):
    """Chair objectives of A and B, a flexibility of A's, A's self-assessment being prepared
    (every area rated, not yet submitted) and last year's submitted, B's being prepared, and the
    month's draft synthesis with A's part of it and a recommendation in it."""
    from datetime import date

    from django.utils import timezone

    from accountability import services as acc
    from accountability import synthesis as acc_synthesis
    from accountability.choices import WellLedArea

    official, analyst = world.personas["official"], world.personas["analyst"]
    today = date(2026, 11, 2)
    rated = dict.fromkeys(WellLedArea.values, (3, ""))

    def assessment(persona, organisation, year, *, submit=False):
        user = world.personas[persona]
        found = acc.assessment_start(actor=user, organisation=organisation, year=year, today=today)
        found = acc.assessment_update_self(
            actor=user, assessment=found, expected_version=found.version, ratings=rated, summary=""
        )
        if submit:
            found = acc.assessment_submit(actor=user, assessment=found, expected_version=found.version, today=today)
        return found

    made, _ = acc_synthesis.synthesis_assemble(today=today)
    entry_a = made.entries.get(organisation=world.org_a)
    return {
        "acc_today": timezone.localdate(),
        "objective_a": acc.objective_set(actor=official, organisation=world.org_a, year=2026, text="A", today=today),
        "objective_b": acc.objective_set(actor=official, organisation=world.org_b, year=2026, text="B", today=today),
        "flexibility_a": acc.flexibility_grant(
            actor=official,
            organisation=world.org_a,
            what="Pathway choice",
            reason="On plan",
            granted_on=today,
            today=today,
        ),
        "assessment_a": assessment("submitter_a", world.org_a, 2026),
        "assessment_a_submitted": assessment("submitter_a", world.org_a, 2025, submit=True),
        "assessment_b": assessment("submitter_b", world.org_b, 2026),
        "synthesis": made,
        "entry_a": entry_a,
        "recommendation_a": acc.recommendation_add(
            actor=analyst, entry=entry_a, recommendation="escalate", recommended_level=2, rationale="r", on=today
        ),
    }


def _plans(world, case_a, case_b):
    """Plans of organisations A and B, each with Welsh Government's response and an open
    condition, and a submission each of their cases owes."""
    from datetime import date

    from escalation.models import Domain
    from plans import reference
    from plans import services as plan_services
    from plans.models import PlanningCycle, RequiredSubmission

    reference.seed()
    cycle = PlanningCycle.objects.get(code="2025-28")
    analyst = world.personas["analyst"]
    finance = Domain.objects.get(era__code="2026", code="finance")
    today = date(2026, 11, 30)
    found = {"cycle": cycle, "finance_pillar": finance}
    for key, organisation, case in (("a", world.org_a, case_a), ("b", world.org_b, case_b)):
        plan = plan_services.plan_record(
            actor=analyst,
            organisation=organisation,
            cycle=cycle,
            plan_type="imtp",
            submitted_on=date(2025, 3, 28),
            financially_balanced=True,
            today=today,
        )
        response = plan_services.response_record(
            actor=analyst, plan=plan, issued_on=date(2025, 7, 20), summary="With conditions", today=today
        )
        found[f"imtp_{key}"] = plan
        found[f"response_{key}"] = response
        found[f"condition_{key}"] = plan_services.condition_add(
            actor=analyst,
            response=response,
            text="Agree a financial recovery plan",
            pillar=finance,
            due_on=date(2026, 9, 30),
            owner="Director of Finance",
        )
        found[f"submission_{key}"] = RequiredSubmission.objects.create(
            case=case, kind="progress_update", level=3, due_on=date(2026, 11, 10)
        )
    return found


def _packs(world):
    """Organisation A's packs at each stage (May a complete draft, June submitted, July
    validated, August released, September an empty draft at a quarter's end), and an upload by
    A's submitter."""
    from datetime import date

    from reporting import reference, selectors
    from reporting import services as pack_services
    from reporting.models import UploadJob

    reference.seed()
    submitter, analyst = world.personas["submitter_a"], world.personas["analyst"]
    sample = {"percent": "80", "yes_no": "1", "gbp_millions": "-1.5"}

    def complete(month):
        pack = pack_services.pack_create(actor=submitter, organisation=world.org_a, period=date(2026, month, 1))
        values = {m.code: sample.get(m.unit, "10") for m in selectors.pack_measures(pack.organisation, pack.period)}
        return pack_services.pack_values_set(actor=submitter, pack=pack, expected_version=pack.version, values=values)

    def submitted(month):
        pack = complete(month)
        return pack_services.pack_submit(actor=submitter, pack=pack, expected_version=pack.version)

    def validated(month):
        pack = submitted(month)
        return pack_services.pack_validate(actor=analyst, pack=pack, expected_version=pack.version)

    released = validated(8)
    released = pack_services.pack_release(actor=analyst, pack=released, expected_version=released.version)
    pack_a = complete(5)
    return {
        "pack_a": pack_a,
        "pack_a_quarter_end": pack_services.pack_create(
            actor=submitter, organisation=world.org_a, period=date(2026, 9, 1)
        ),
        "pack_a_submitted": submitted(6),
        "pack_a_validated": validated(7),
        "pack_a_released": released,
        "upload_of_submitter_a": UploadJob.objects.create(
            kind=UploadJob.Kind.PACK, pack=pack_a, file_name="may.csv", content=b"measure,value\n", created_by=submitter
        ),
    }


def _meetings(world):
    """Organisation A's review, organisation B's, a system meeting A and HIW are invited to, a
    vote to count at A's review, an action for A, a committee hosted by A and A's feed."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from meetings import calendar
    from meetings import services as meeting_services
    from meetings.models import Committee, CommitteeMember, MeetingType

    official = world.personas["official"]
    types = {t.code: t for t in MeetingType.objects.all()}
    at = datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo("Europe/London"))

    def review(organisation):
        return meeting_services.meeting_create(
            actor=official, meeting_type=types["ceo_review"], starts_at=at, organisation=organisation
        )

    meeting_a = review(world.org_a)
    committee = Committee.objects.create(
        name="Pan Cluster Planning Group",
        meeting_type=types["committee"],
        host_organisation=world.org_a,
        quorum_minimum=1,
    )
    CommitteeMember.objects.create(
        committee=committee, organisation=world.org_a, role="Cluster lead", representative=world.personas["submitter_a"]
    )
    return {
        "meeting_a": meeting_a,
        "meeting_b": review(world.org_b),
        "system_meeting": meeting_services.meeting_create(
            actor=official, meeting_type=types["wg_nhspi_oversight"], starts_at=at, invited=[world.org_a, world.hiw]
        ),
        "vote_a": meeting_services.decision_record(
            actor=official, meeting=meeting_a, text="Adopt the plan", method="vote"
        ),
        "action_a": meeting_services.action_create(
            actor=official,
            meeting=meeting_a,
            title="Send the recovery plan",
            organisation=world.org_a,
            due_on=datetime(2027, 1, 31).date(),
            owner=world.personas["submitter_a"],
        ),
        "committee_a": committee,
        "feed_of_submitter_a": calendar.feed_create(world.personas["submitter_a"]),
    }


def _id(case):
    return f"{case.method}-{case.route}-{case.note or ''}"


@pytest.mark.parametrize("case", MATRIX, ids=[f"{i}-{c.route}-{c.method}" for i, c in enumerate(MATRIX)])
def test_matrix(case, world, objects, client, api_client):
    """Each persona in turn, each in a savepoint rolled back afterwards, so that one persona's
    successful write never changes what the next one meets."""
    wrong = []
    for persona in PERSONAS:
        user = world.personas[persona]
        with transaction.atomic():
            url = case.url(world, objects)
            data = case.data(world, objects, persona) if case.data else None
            http = api_client if case.api else client
            http.logout()
            if user.is_authenticated:
                http.force_login(user)
            kwargs = {"format": case.extra.get("format", "json")} if case.api and data is not None else {}
            call = getattr(http, case.method)
            response = call(url, data, **kwargs) if data is not None else call(url)
            if response.status_code != case.expect[persona]:
                wrong.append(f"as {persona}: expected {case.expect[persona]}, got {response.status_code}")
            transaction.set_rollback(True)
    assert not wrong, f"{case.method.upper()} {case.url(world, objects)}\n" + "\n".join(wrong)


# --- No organisation B private rows for an organisation A user ------------------------------------


def test_membership_list_api_holds_only_own_organisation_rows(world, api_client):
    api_client.force_login(world.personas["submitter_a"])
    body = api_client.get(reverse("api:membership-list"), {"page_size": 500}).json()
    organisations = {m["organisation"] for m in body["results"]}
    assert body["count"] == 1
    assert organisations == {"ORGA"}


def test_membership_list_api_for_an_official_holds_every_organisation(world, api_client):
    api_client.force_login(world.personas["official"])
    body = api_client.get(reverse("api:membership-list"), {"page_size": 500}).json()
    assert body["count"] == len(PERSONAS) - 1
    assert {"ORGA", "ORGB"} <= {m["organisation"] for m in body["results"]}


def test_membership_list_api_filter_cannot_reach_another_organisation(world, api_client):
    api_client.force_login(world.personas["submitter_a"])
    body = api_client.get(reverse("api:membership-list"), {"organisation": "ORGB"}).json()
    assert body["count"] == 0


def test_members_page_and_export_show_no_other_organisation_rows(world, client):
    client.force_login(world.personas["submitter_a"])
    page = client.get(reverse("organisations:members", args=[world.org_a.pk]))
    assert b"submitter_b" not in page.content
    export = client.get(reverse("organisations:members", args=[world.org_a.pk]), {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [r["User name"] for r in rows] == ["submitter_a"]


def test_register_of_names_and_codes_is_visible_to_every_signed_in_user(world, client):
    for persona in PERSONAS[1:]:
        client.force_login(world.personas[persona])
        export = client.get(reverse("organisations:list"), {"export": "csv"})
        codes = {r["Code"] for r in csv.DictReader(io.StringIO(export.content.decode()))}
        assert {"ORGA", "ORGB", "WG", "HIW"} <= codes, persona
