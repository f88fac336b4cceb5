"""Welsh throughout: the layout's strings are translated and reference data shows in Welsh."""

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "cy" / "LC_MESSAGES" / "django.po"


def test_every_string_in_the_welsh_catalogue_is_translated():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', e, re.MULTILINE)]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not untranslated, untranslated[:3]
    assert not fuzzy, fuzzy[:3]


def test_the_layout_speaks_welsh():
    with translation.override("cy"):
        assert translation.gettext("Sign in") == "Mewngofnodi"
        assert translation.gettext("Organisations") == "Sefydliadau"
        assert translation.gettext("Skip to main content") != "Skip to main content"


def test_reference_data_uses_the_welsh_value_when_welsh_is_active(world):
    with translation.override("cy"):
        assert world.org_a.display_name == world.org_a.name_cy
    with translation.override("en-gb"):
        assert world.org_a.display_name == world.org_a.name
    world.org_a.name_cy = ""
    with translation.override("cy"):
        assert world.org_a.display_name == world.org_a.name  # English where no Welsh is recorded
