"""Demo sign-ins, one per role. Loaded by ``seed_demo`` only when DEBUG is on."""

from django.contrib.auth import get_user_model

from .choices import OfficeholderRole, Role
from .models import Membership, Officeholder, Organisation

# The published demo password: these accounts exist only on a developer's machine.
DEMO_PASSWORD = "oversight-demo"  # noqa: S105 - published on purpose, demo mode only

# (username, first name, last name, organisation code, role, job title)
DEMO_USERS = [
    ("official", "Olwen", "Price", "WG", Role.WG_OFFICIAL, "Head of NHS oversight"),
    ("decision", "Dafydd", "Rees", "WG", Role.WG_DECISION_MAKER, "Director General (demo)"),
    ("secretariat", "Siân", "Evans", "WG", Role.WG_SECRETARIAT, "Meetings secretariat"),
    ("analyst", "Aled", "Hughes", "NHSPI", Role.NHSPI_ANALYST, "Performance analyst"),
    ("submitter", "Bethan", "Jones", "BCUHB", Role.ORG_SUBMITTER, "Performance and information lead"),
    ("executive", "Emyr", "Lloyd", "BCUHB", Role.ORG_EXECUTIVE, "Director of planning"),
    ("partner", "Heledd", "Morgan", "HIW", Role.TRIPARTITE_PARTNER, "Relationship manager"),
    ("admin", "Alun", "Thomas", "WG", Role.ADMINISTRATOR, "Service administrator"),
]


def seed() -> list[str]:
    User = get_user_model()
    organisations = {o.code: o for o in Organisation.objects.filter(code__in={u[3] for u in DEMO_USERS})}
    lines = []
    for username, first, last, code, role, title in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        if role == Role.ADMINISTRATOR:
            user.is_staff = True
            user.is_superuser = True
        user.save()
        Membership.objects.get_or_create(
            user=user, organisation=organisations[code], role=role, defaults={"job_title": title}
        )
        lines.append(f"{username:<12} / {DEMO_PASSWORD}   {role.label} ({code})")
    for code in ("BCUHB", "CTMUHB"):
        organisation = Organisation.objects.get(code=code)
        for role, name in (
            (OfficeholderRole.CHIEF_EXECUTIVE, "Demo Chief Executive"),
            (OfficeholderRole.CHAIR, "Demo Chair"),
        ):
            Officeholder.objects.get_or_create(organisation=organisation, role=role, defaults={"name": name})
    return lines
