"""Property-based fuzzing of the whole REST API with Schemathesis.

The OpenAPI schema is fetched from ``/api/schema/`` (which needs a signed-in caller) through
the project's WSGI application, and every operation in it, reads and writes alike, is called
in-process with generated data, both valid (positive) and invalid (negative):

- signed in with a DRF token as each persona: no server error, the status code is one the
  schema documents for the operation, and the body and content type conform to the schema;
- without credentials: every operation answers 401 or 403, except ``PUBLIC_OPERATIONS``.

Each operation gets ``FUZZ_EXAMPLES`` examples per generation mode (default
``DEFAULT_EXAMPLES``), derandomised so that a CI run is reproducible; raise ``FUZZ_EXAMPLES``
to search harder. Writes are fine: each persona's run is one test, rolled back afterwards.
Every failing operation is reported, not only the first.

(Schemathesis's ``schemathesis.pytest.from_fixture`` would make one subtest per operation,
but it sets ``Node._nodeid``, which pytest 9 no longer has; so each test walks the operations
itself with ``APIOperation.as_strategy``, Schemathesis's documented Python API.)
"""

import os
from datetime import date, datetime
from urllib.parse import unquote, urlsplit

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

DEFAULT_EXAMPLES = 5
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # No shrinking: a failure is reported as found, which keeps the run's time bounded.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
PERSONAS = ["official", "decision_maker", "analyst", "submitter_a", "submitter_b", "partner", "admin"]

# Operations anyone may call without signing in, and what they may answer.
PUBLIC_OPERATIONS = {
    # Exchanging a user name and password for a token: 400 for wrong or missing credentials.
    "POST /api/v1/auth/token/": {200, 400},
}


@pytest.fixture
def application():
    """The project's WSGI application, sharing the test's database connection: like Django's
    test client, it must not close the connection (and with it the test's transaction) after
    each request."""
    from oversight.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def landscape(world):
    """Real objects for the operations on one object, so that generated calls reach them and not
    only a 404: ``{path prefix: (parameter, value)}``. Each persona's run gets the same ones,
    created in its own transaction."""
    from escalation import services as escalation
    from escalation.choices import IntelligenceKind, Rag
    from meetings.models import MeetingType
    from meetings.services import action_create, meeting_create
    from organisations.models import Membership
    from reporting import reference as catalogue
    from reporting.models import Measure
    from reporting.services import pack_create

    people = world.personas
    catalogue.seed()
    draft = escalation.decision_draft(
        actor=people["analyst"],
        organisation=world.org_a,
        scope=escalation.Scope("organisation"),
        to_level=2,
        rationale="Waits rising",
        planned_on=date(2026, 5, 1),
    )
    concern = escalation.concern_raise(
        actor=people["analyst"], organisation=world.org_a, title="Waits", description="Rising.", on=date(2026, 5, 1)
    )
    case = escalation.case_open(
        actor=people["official"],
        organisation=world.org_a,
        scope=escalation.Scope("organisation"),
        reason="Concern",
        on=date(2026, 5, 1),
    )
    pack = pack_create(actor=people["submitter_a"], organisation=world.org_a, period=date(2026, 5, 1))
    meeting = meeting_create(
        actor=people["official"],
        meeting_type=MeetingType.objects.order_by("pk").first(),
        starts_at=timezone.make_aware(datetime(2026, 6, 1, 10)),
        organisation=world.org_a,
    )
    criterion = escalation.criterion_propose(actor=people["official"], case=case, text="Waits below 500")
    information = escalation.request_send(
        actor=people["official"],
        organisation=world.org_a,
        question="Your recovery plan?",
        sent_on=date(2026, 5, 1),
        due_on=date(2026, 6, 1),
        case=case,
    )
    intelligence = escalation.intelligence_add(
        actor=people["partner"],
        organisation=world.org_a,
        body=world.hiw,
        kind=IntelligenceKind.values[0],
        dated=date(2026, 5, 1),
        summary="Inspection findings",
        rag=Rag.values[0],
    )
    action = action_create(
        actor=people["official"],
        meeting=meeting,
        title="Send the plan",
        owner_name="Chief executive",
        organisation=world.org_a,
        due_on=date(2026, 7, 1),
    )
    return {
        "/api/v1/escalation/criteria/": ("id", criterion.pk),
        "/api/v1/escalation/requests/": ("id", information.pk),
        "/api/v1/escalation/intelligence/": ("id", intelligence.pk),
        "/api/v1/meeting-actions/": ("id", action.pk),
        "/api/v1/organisations/": ("id", world.org_a.pk),
        "/api/v1/regions/": ("id", world.org_a.region_id),
        "/api/v1/memberships/": ("id", Membership.objects.filter(organisation=world.org_a).first().pk),
        "/api/v1/escalation/decisions/": ("id", draft.pk),
        "/api/v1/escalation/concerns/": ("id", concern.pk),
        "/api/v1/escalation/cases/": ("id", case.pk),
        "/api/v1/reporting/packs/": ("id", pack.pk),
        "/api/v1/reporting/measures/": ("code", Measure.objects.order_by("code").first().code),
        "/api/v1/meetings/": ("id", meeting.pk),
    }


def _authorization(user):
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def _schema(application, user):
    """The served schema, fetched as ``user`` (the schema itself is for signed-in users)."""
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=_authorization(user))


def _operations(schema):
    operations = []
    for result in schema.get_all_operations():
        operations.append(result.ok())  # an operation the schema cannot describe fails here
    assert len(operations) > 50, "the schema lost its operations"
    return operations


def _routed(url):
    try:
        resolve(unquote(urlsplit(url).path))
    except Resolver404:
        return False
    return True


def _label(operation):
    return f"{operation.method.upper()} {operation.path}"


def _on_real_object(operation, landscape):
    """The path parameters that name a real object for ``operation``, or None."""
    for prefix, (name, value) in landscape.items():
        if operation.path.startswith(prefix) and "{" + name + "}" in operation.path:
            return {name: value}
    return None


def _fuzz(operations, exercise, landscape=None):
    """Run ``exercise(case)`` on generated cases for each operation and mode (and, for an
    operation on one object, valid cases on a real one); every failure."""
    failures = []
    for operation in operations:
        runs = [(mode, {}) for mode in MODES]
        real = _on_real_object(operation, landscape or {})
        if real:
            runs.append((GenerationMode.POSITIVE, {"path_parameters": real}))
        for mode, fixed in runs:
            name = f"{mode.value}{' on ' + str(fixed['path_parameters']) if fixed else ''}"
            try:
                strategy = operation.as_strategy(generation_mode=mode, **fixed)
            except Exception as error:  # noqa: BLE001 - a schema Schemathesis cannot generate from is a failure too
                failures.append(f"{_label(operation)} [{name}]: cannot generate: {error}")
                continue

            @FUZZ_SETTINGS
            @given(case=strategy)
            def run(case):
                exercise(case)

            try:
                run()
            except Unsatisfiable:
                # Nothing in this operation can be made invalid (no parameters, or only free
                # text): there is no negative case to send.
                assert mode is GenerationMode.NEGATIVE, f"{_label(operation)}: no valid case"
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collected, all reported below
                failures.append(f"{_label(operation)} [{name}]:\n{error}")
    return failures


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_conforms_for_every_persona(world, landscape, application, persona):
    user = world.personas[persona]
    schema = _schema(application, user)
    headers = _authorization(user)

    def exercise(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    operations = _operations(schema)
    assert all(any(_on_real_object(o, {p: v}) for o in operations) for p, v in landscape.items())
    failures = _fuzz(operations, exercise, landscape)
    assert not failures, f"{len(failures)} failing operations as {persona}:\n\n" + "\n\n".join(failures)


def test_api_refuses_anonymous_callers(world, landscape, application):
    schema = _schema(application, world.personas["admin"])
    operations = _operations(schema)
    public = {_label(operation) for operation in operations} & PUBLIC_OPERATIONS.keys()
    assert public == PUBLIC_OPERATIONS.keys(), "a listed public operation is not in the schema"

    def exercise(case):
        response = case.call()
        label = _label(case.operation)
        allowed = PUBLIC_OPERATIONS.get(label, {401, 403})
        if not _routed(response.request.url):
            # A negative case's path parameter that no URL pattern takes (``/meetings/x/``)
            # reaches no view at all: Django's 404 before any API code runs.
            allowed = {404}
        assert response.status_code in allowed, f"{label} answered {response.status_code} without credentials"

    failures = _fuzz(operations, exercise, landscape)
    assert not failures, f"{len(failures)} operations open to anonymous callers:\n\n" + "\n\n".join(failures)
