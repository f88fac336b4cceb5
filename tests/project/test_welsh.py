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


# --- Coverage ----------------------------------------------------------------------------------

# Messages whose Welsh is rightly the same as the English. Nothing else that is identical counts
# as translated. Each entry says why; see docs/glossary.md.
SAME_IN_BOTH_LANGUAGES = {
    "API": "an abbreviation kept in Welsh",
    "RAG": "red/amber/green rating: the abbreviation is used in Welsh documents too",
    "SHA-256": "the name of a checksum algorithm",
    "SPC": "statistical process control: the abbreviation is kept (glossary)",
    "Llais": "the citizen voice body's name, the same in both languages",
    "Agenda": "agenda is the Welsh word too",
    "Person": "person is the Welsh word too",
    "person": "person is the Welsh word too",
    "Signal": "signal is the Welsh word too, as elsewhere in the catalogue (glossary)",
    "%(measure)s: %(organisation)s": "placeholders and punctuation only",
}
COVERAGE_REQUIRED = 95.0


def _plural_count(catalogue) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _is_translated(entry, nplurals: int) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        forms = [entry.msgstr_plural.get(i, "") for i in range(nplurals)]
        english = {entry.msgid, entry.msgid_plural}
        return all(forms) and not any(f in english for f in forms)
    if not entry.msgstr:
        return False
    return entry.msgstr != entry.msgid or entry.msgid in SAME_IN_BOTH_LANGUAGES


def welsh_coverage() -> tuple[float, list]:
    import polib

    catalogue = polib.pofile(str(PO))
    nplurals = _plural_count(catalogue)
    entries = [e for e in catalogue if not e.obsolete]
    missing = [e for e in entries if not _is_translated(e, nplurals)]
    return 100 * (len(entries) - len(missing)) / len(entries), missing


def test_at_least_95_per_cent_of_the_welsh_catalogue_is_translated():
    percentage, missing = welsh_coverage()
    print(f"\nWelsh (cy) translation coverage: {percentage:.1f}% ({len(missing)} not translated)")
    assert percentage >= COVERAGE_REQUIRED, [e.msgid for e in missing[:20]]


def test_the_coverage_rule_does_not_count_fuzzy_identical_or_half_filled_entries():
    import polib

    fuzzy = polib.POEntry(msgid="Sign in", msgstr="Mewngofnodi", flags=["fuzzy"])
    identical = polib.POEntry(msgid="Dashboard", msgstr="Dashboard")
    plural_half = polib.POEntry(msgid="%(n)s row", msgid_plural="%(n)s rows", msgstr_plural={0: "%(n)s rhes", 1: ""})
    plural_english = polib.POEntry(
        msgid="%(n)s row", msgid_plural="%(n)s rows", msgstr_plural={0: "%(n)s rhes", 1: "%(n)s rows"}
    )
    plural_done = polib.POEntry(
        msgid="%(n)s row", msgid_plural="%(n)s rows", msgstr_plural={0: "%(n)s rhes", 1: "%(n)s res"}
    )
    assert not _is_translated(fuzzy, 2)
    assert not _is_translated(identical, 2)
    assert not _is_translated(plural_half, 2)
    assert not _is_translated(plural_english, 2)
    assert not _is_translated(plural_done, 4)  # Welsh has four forms: two are missing
    assert _is_translated(plural_done, 2)
    assert _is_translated(polib.POEntry(msgid="SPC", msgstr="SPC"), 2)  # allowed: same in both


def test_every_message_allowed_to_be_the_same_in_both_languages_is_in_the_catalogue():
    ids = _catalogue_ids()
    stale = [text for text in SAME_IN_BOTH_LANGUAGES if text not in ids]
    assert not stale, f"No longer in locale/cy: remove from SAME_IN_BOTH_LANGUAGES: {stale}"


# --- Glossary ----------------------------------------------------------------------------------

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def _glossary_table(heading: str) -> list[list[str]]:
    section = GLOSSARY.read_text(encoding="utf-8").split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]  # after header and rule


def test_the_glossary_level_names_are_the_ones_the_interface_shows():
    from escalation.choices import Level

    rows = _glossary_table("Escalation levels")
    assert [int(level) for level, _, _ in rows] == [1, 2, 3, 4, 5]
    for level, english, welsh in rows:
        with translation.override("en-gb"):
            assert str(Level(int(level)).label) == english
        with translation.override("cy"):
            assert str(Level(int(level)).label) == welsh


def _check_domains_against_the_reference_data(era: str, heading: str):
    from escalation import reference
    from escalation.models import Domain

    reference.seed()
    loaded = {d.code: (d.name, d.name_cy) for d in Domain.objects.filter(era__code=era)}
    glossary = {code: (english, welsh) for code, english, welsh in _glossary_table(heading)}
    assert glossary == loaded
    for domain in Domain.objects.filter(era__code=era):
        with translation.override("cy"):
            assert domain.display_name == glossary[domain.code][1]


def test_the_glossary_pillar_names_are_the_welsh_reference_data(db):
    _check_domains_against_the_reference_data("2026", "2026 pillars and foundation domain")


def test_the_glossary_2024_domain_names_are_the_welsh_reference_data(db):
    _check_domains_against_the_reference_data("2024", "2024 escalation domains")


def test_the_glossary_pillar_names_match_the_measure_catalogue_pillars():
    from reporting.choices import Pillar

    glossary = {english: welsh for _, english, welsh in _glossary_table("2026 pillars and foundation domain")}
    for pillar in (Pillar.QUALITY, Pillar.WORKFORCE, Pillar.FINANCE, Pillar.DELIVERY_PERFORMANCE):
        with translation.override("en-gb"):
            english = str(pillar.label)
        with translation.override("cy"):
            assert str(pillar.label) == glossary[english]


def test_the_glossary_terms_agree_with_the_welsh_catalogue():
    import polib

    catalogue = {e.msgid: e.msgstr for e in polib.pofile(str(PO)) if not e.obsolete and "fuzzy" not in e.flags}
    rows = _glossary_table("Framework terms")
    checked, disagree = 0, []
    own_rows = {english for english, _, _ in rows}
    for english, welsh, _notes in rows:
        lower = english[:1].lower() + english[1:]
        variants = [(english, welsh)]
        if lower not in own_rows:  # "released" (a field label) may differ from "Released" (a status)
            variants.append((lower, welsh[:1].lower() + welsh[1:]))
        for en, cy in variants:
            if en in catalogue:
                checked += 1
                if catalogue[en] != cy:
                    disagree.append(f"{en!r}: glossary {cy!r}, catalogue {catalogue[en]!r}")
    assert not disagree, "\n".join(disagree)
    assert checked >= 30  # the check reaches most of the terms


# --- Reference data in the active language -----------------------------------------------------


def test_domain_and_pillar_names_and_summaries_show_in_the_active_language(db):
    from escalation import reference
    from escalation.models import Domain

    reference.seed()
    workforce = Domain.objects.get(era__code="2026", code="workforce")
    with translation.override("cy"):
        assert workforce.display_name == "Gweithlu"
        assert workforce.display_summary == workforce.summary_cy != workforce.summary
    with translation.override("en-gb"):
        assert workforce.display_name == "Workforce"
        assert workforce.display_summary == workforce.summary


def test_level_names_and_texts_show_in_the_active_language(db):
    from escalation import reference
    from escalation.models import LevelDescription

    reference.seed()
    targeted = LevelDescription.objects.get(level=4)
    with translation.override("cy"):
        assert targeted.get_level_display() == "Ymyrraeth wedi'i thargedu"
        assert targeted.display_wg_expectations == targeted.wg_expectations_cy != targeted.wg_expectations
    with translation.override("en-gb"):
        assert targeted.get_level_display() == "Targeted intervention"
        assert targeted.display_description == targeted.description


def test_measure_names_show_in_the_active_language(db):
    from reporting import reference
    from reporting.models import Measure

    reference.seed()
    measure = Measure.objects.get(code="UEC-ED12H")
    assert measure.name_cy and measure.name_cy != measure.name
    with translation.override("cy"):
        assert measure.display_name == measure.name_cy
    with translation.override("en-gb"):
        assert measure.display_name == measure.name
    assert Measure.objects.exclude(name_cy="").count() >= Measure.objects.count() * 0.9


def test_organisation_and_region_names_show_in_the_active_language(world):
    region = world.org_a.region
    with translation.override("cy"):
        assert world.org_a.display_short_name == (world.org_a.short_name_cy or world.org_a.short_name)
        assert region.display_name == "De-ddwyrain Cymru"
    with translation.override("en-gb"):
        assert region.display_name == "South East Wales"
