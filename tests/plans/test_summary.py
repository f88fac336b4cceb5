"""Progress against the Ministerial priorities as a section of the public accountability summary."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from plans import summary
from reporting import compositions
from reporting import reference as reporting_reference
from reporting.models import Measure, Pack, PackValue


def test_the_section_is_registered_with_the_public_summary():
    assert summary.priorities_section in compositions.SUMMARY_SECTIONS


def test_the_section_holds_each_priority_with_released_figures_only(world, cycle):
    reporting_reference.seed()
    from plans import reference

    reference.seed()  # the measure links, now that the catalogue is loaded
    now = timezone.now()
    measure = Measure.objects.get(code="UEC-ED4H")
    released = Pack.objects.create(
        organisation=world.org_a, period=date(2026, 9, 1), status="released", validated_at=now, released_at=now
    )
    PackValue.objects.create(pack=released, measure=measure, value=81.5)
    draft = Pack.objects.create(organisation=world.org_a, period=date(2026, 10, 1), status="submitted")
    PackValue.objects.create(pack=draft, measure=measure, value=12.25)

    section = summary.priorities_section(world.org_a, 2026, "en")

    assert section["heading"] == "Progress against the Ministerial priorities"
    assert section["rows"][0]["label"] == "Timely access to care"
    text = " ".join(" ".join(row.values()) for row in section["rows"])
    assert "81.5%" in text and "12.25" not in text


def test_the_section_is_in_welsh_when_asked(world, cycle):
    section = summary.priorities_section(world.org_a, 2026, "cy")
    assert section["rows"][0]["label"] == "Mynediad amserol at ofal"


def test_no_section_for_a_body_that_holds_no_level(world, cycle):
    assert summary.priorities_section(world.hiw, 2026, "en") is None
