"""Optimistic concurrency (``oversight.concurrency``), through ``organisations.services.organisation_update``.

A stale edit is a conflict, never a silent overwrite.
"""

from __future__ import annotations

import pytest

from organisations.models import Organisation
from organisations.services import organisation_update
from oversight.concurrency import lock_at_version
from oversight.errors import ConflictError, PermissionRefused
from tests.factories import OrganisationFactory


def test_an_update_at_the_current_version_succeeds_and_raises_the_version_by_one(world):
    admin = world.personas["admin"]
    assert world.org_a.version == 1

    updated = organisation_update(
        actor=admin,
        organisation=world.org_a,
        expected_version=1,
        changes={"short_name": "Org A (renamed)"},
        reason="Renamed after the merger",
    )

    assert updated.version == 2
    stored = Organisation.objects.get(pk=world.org_a.pk)
    assert stored.version == 2
    assert stored.short_name == "Org A (renamed)"


def test_an_update_records_who_made_it_and_why_in_the_history(world):
    admin = world.personas["admin"]

    organisation_update(
        actor=admin,
        organisation=world.org_a,
        expected_version=1,
        changes={"short_name": "Org A (renamed)"},
        reason="Renamed after the merger",
    )

    latest = world.org_a.history.order_by("-history_date", "-history_id").first()
    assert latest.history_type == "~"
    assert latest.history_change_reason == "Renamed after the merger"
    assert latest.history_user == admin
    assert latest.version == 2
    assert latest.short_name == "Org A (renamed)"
    assert world.org_a.history.count() == 2


def test_two_updates_in_turn_each_at_the_current_version_both_succeed(world):
    admin = world.personas["admin"]

    organisation_update(actor=admin, organisation=world.org_a, expected_version=1, changes={"short_name": "First"})
    organisation_update(actor=admin, organisation=world.org_a, expected_version=2, changes={"ods_code": "7A4"})

    stored = Organisation.objects.get(pk=world.org_a.pk)
    assert stored.version == 3
    assert stored.short_name == "First"
    assert stored.ods_code == "7A4"


def test_a_second_update_at_the_old_version_is_a_conflict_and_the_first_change_is_kept(world):
    admin = world.personas["admin"]
    organisation_update(
        actor=admin, organisation=world.org_a, expected_version=1, changes={"short_name": "First editor's name"}
    )

    with pytest.raises(ConflictError) as conflict:
        organisation_update(
            actor=admin, organisation=world.org_a, expected_version=1, changes={"short_name": "Second editor's name"}
        )

    assert conflict.value.status == 409
    assert conflict.value.code == "conflict"
    assert "version 1" in conflict.value.message
    assert "version 2" in conflict.value.message
    stored = Organisation.objects.get(pk=world.org_a.pk)
    assert stored.short_name == "First editor's name"
    assert stored.version == 2
    assert world.org_a.history.count() == 2


def test_an_update_with_no_version_is_a_conflict(world):
    with pytest.raises(ConflictError):
        organisation_update(
            actor=world.personas["admin"], organisation=world.org_a, expected_version=None, changes={"short_name": "X"}
        )

    assert Organisation.objects.get(pk=world.org_a.pk).short_name == "Org A"


def test_an_update_at_a_future_version_is_a_conflict(world):
    with pytest.raises(ConflictError):
        organisation_update(
            actor=world.personas["admin"], organisation=world.org_a, expected_version=5, changes={"short_name": "X"}
        )

    assert Organisation.objects.get(pk=world.org_a.pk).version == 1


def test_a_version_sent_back_as_text_by_a_form_is_accepted(world):
    updated = organisation_update(
        actor=world.personas["admin"], organisation=world.org_a, expected_version="1", changes={"short_name": "X"}
    )

    assert updated.version == 2


def test_a_non_administrator_cannot_update_even_at_the_current_version(world):
    with pytest.raises(PermissionRefused):
        organisation_update(
            actor=world.personas["submitter_a"],
            organisation=world.org_a,
            expected_version=1,
            changes={"short_name": "X"},
        )

    stored = Organisation.objects.get(pk=world.org_a.pk)
    assert stored.short_name == "Org A"
    assert stored.version == 1


@pytest.mark.django_db(transaction=True)
def test_lock_at_version_outside_a_transaction_raises_runtime_error():
    organisation = OrganisationFactory(code="LOCKME")

    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        lock_at_version(Organisation, pk=organisation.pk, expected_version=1)
