"""Every write to the registry: edits with optimistic concurrency, memberships, reference data."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from oversight import access
from oversight.concurrency import lock_at_version, save_new_version
from oversight.errors import OversightError
from oversight.seeding import SeedReport, upsert

from . import rules
from .choices import OrganisationKind
from .models import Membership, Organisation, Region

# Fields an administrator may edit on an organisation. The code is its identity and is fixed.
EDITABLE_FIELDS = (
    "name",
    "name_cy",
    "welsh_name_verified",
    "short_name",
    "short_name_cy",
    "kind",
    "ods_code",
    "ons_code",
    "region",
    "hosted_by",
    "statutory",
    "active",
    "letter_language",
)


@transaction.atomic
def organisation_update(
    *, actor, organisation: Organisation, expected_version: int | None, changes: dict, reason: str = ""
) -> Organisation:
    """Change an organisation's register entry, refusing a stale edit as a conflict."""
    access.require(actor, "organisation.change", organisation)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise OversightError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    current = lock_at_version(Organisation, pk=organisation.pk, expected_version=expected_version)
    if changes.get("hosted_by") is not None and changes["hosted_by"].pk == current.pk:
        raise OversightError("An organisation cannot be hosted by itself.", field="hosted_by", code="hosted_by_itself")
    for name, value in changes.items():
        setattr(current, name, value)
    return save_new_version(current, actor=actor, reason=reason)


@transaction.atomic
def membership_create(*, actor, user, organisation: Organisation, role: str, job_title: str = "") -> Membership:
    """Give a user a role at an organisation, if a body of that kind can hold the role."""
    access.require(actor, "membership.change", Membership(organisation=organisation))
    refusal = rules.membership_refusal(role=role, organisation_kind=organisation.kind)
    if refusal:
        raise OversightError(refusal.message, code=refusal.code, field="role")
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"job_title": job_title}
    )
    access.forget(user)
    return membership


@transaction.atomic
def membership_delete(*, actor, membership: Membership) -> None:
    access.require(actor, "membership.change", membership)
    membership._history_user = actor
    membership.delete()
    access.forget(membership.user)


# --- Reference data --------------------------------------------------------------------------

DATA_DIR = Path(__file__).resolve().parent / "data"


class RegistrySeedReport(SeedReport):
    def __str__(self):
        regions = sum(1 for c in self.created if c.startswith("region "))
        return (
            f"{regions} regions and {len(self.created) - regions} organisations created, "
            f"{len(self.updated)} updated, {self.unchanged} unchanged"
        )


def _yes(value: str) -> bool:
    return value.strip().lower() in {"yes", "y", "true", "1"}


@transaction.atomic
def reference_seed(*, regions_csv: Path | None = None, organisations_csv: Path | None = None, overwrite: bool = False):
    """Load regions and organisations from CSV. Idempotent: a second run changes nothing.

    New rows are created; existing rows only have blank fields filled, unless ``overwrite``
    is set, so an administrator's corrections survive a re-seed. All or nothing: a bad row
    stops the load with its line number and nothing is stored.
    """
    regions_csv = regions_csv or DATA_DIR / "regions.csv"
    organisations_csv = organisations_csv or DATA_DIR / "organisations.csv"
    report = RegistrySeedReport()

    regions: dict[str, Region] = {}
    with regions_csv.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            values = {
                "name": row["name"].strip(),
                "name_cy": row["name_cy"].strip(),
                "under_ministerial_direction": _yes(row["under_ministerial_direction"]),
            }
            code = row["code"].strip()
            region = upsert(
                Region, lookup={"code": code}, values=values, report=report, label=f"region {code}", overwrite=overwrite
            )
            regions[region.name] = region

    kinds = set(OrganisationKind.values)
    with organisations_csv.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {o.code: o for o in Organisation.objects.all()}
    pending_hosts: list[tuple[Organisation, str, int]] = []
    for line, row in enumerate(rows, start=2):
        code = row["code"].strip()
        if row["kind"] not in kinds:
            raise OversightError(f"{organisations_csv.name} line {line}: unknown kind '{row['kind']}' for {code}.")
        if row["region"] and row["region"] not in regions:
            raise OversightError(f"{organisations_csv.name} line {line}: unknown region '{row['region']}' for {code}.")
        values = {
            "name": row["name"].strip(),
            "name_cy": row["welsh_name"].strip(),
            "welsh_name_verified": _yes(row["welsh_name_verified"]),
            "short_name": row["short_name"].strip(),
            "kind": row["kind"],
            "ods_code": row["ods_code"].strip(),
            "ons_code": row["ons_code"].strip(),
            "region": regions.get(row["region"]),
            "statutory": _yes(row["statutory"]),
        }
        host_code = row["hosted_by"].strip()
        if host_code and host_code in by_code:
            values["hosted_by"] = by_code[host_code]
        organisation = upsert(
            Organisation, lookup={"code": code}, values=values, report=report, label=code, overwrite=overwrite
        )
        by_code[code] = organisation
        if host_code and "hosted_by" not in values:
            pending_hosts.append((organisation, host_code, line))

    for organisation, host_code, line in pending_hosts:
        host = by_code.get(host_code)
        if host is None:
            raise OversightError(f"{organisations_csv.name} line {line}: unknown host '{host_code}'.")
        if organisation.hosted_by_id != host.pk and (overwrite or organisation.hosted_by_id is None):
            organisation.hosted_by = host
            organisation.version += 1
            organisation._change_reason = "Reference data"
            organisation.save()
            if organisation.code not in report.created:
                report.updated.append(organisation.code)
    return report
