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


def _catalogue_ids() -> set[str]:
    ids, current, in_id = set(), [], False
    for line in PO.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current, in_id = [line[6:].strip()[1:-1]], True
        elif in_id and line.startswith('"'):
            current.append(line.strip()[1:-1])
        else:
            if in_id:
                ids.add("".join(current).replace('\\"', '"'))
            in_id = False
    return ids


def test_every_translate_tag_in_the_templates_is_in_the_welsh_catalogue():
    templates = Path(__file__).resolve().parents[2] / "templates"
    pattern = re.compile(r"""{%\s*translate\s+"([^"]+)"\s*%}|_\("([^"]+)"\)""")
    ids = _catalogue_ids()
    missing = set()
    for template in templates.rglob("*.html"):
        for match in pattern.finditer(template.read_text(encoding="utf-8")):
            text = match.group(1) or match.group(2)
            if text not in ids:
                missing.add(f"{template.name}: {text}")
    assert not missing, "Run `make messages` and translate:\n" + "\n".join(sorted(missing))


def test_the_annex_1_summaries_and_areas_of_enquiry_are_held_in_welsh(db):
    from escalation import reference
    from escalation.models import Domain, LevelDescription

    reference.seed()
    special = LevelDescription.objects.get(level=5)
    with translation.override("cy"):
        assert special.display_description == special.description_cy != special.description
        assert special.display_deescalation_criteria == special.deescalation_criteria_cy
    assert not Domain.objects.filter(summary_cy="").exists()
    assert not LevelDescription.objects.filter(wg_expectations_cy="").exists()
