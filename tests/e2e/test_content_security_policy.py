"""With the Content Security Policy on, the main pages load with no violation: no inline
script or style sheet is refused, and nothing reaches for another origin."""

from datetime import date

import pytest
from django.utils import timezone

from reporting import demo, reference
from reporting.models import Pack

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def content(transactional_db, world, frameworks):
    reference.seed()
    demo.generate(today=timezone.localdate(), organisations=[world.org_a])
    return world, Pack.objects.filter(organisation=world.org_a, status="released").order_by("-period").first()


def test_the_main_pages_break_no_rule_of_the_policy(page, live_server, content, sign_in):
    world, pack = content
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(LISTEN)
    sign_in(page, "decision")
    month = date.today().replace(day=1)
    paths = [
        "/escalation/",
        f"/organisations/{world.org_a.pk}/",
        f"/reporting/packs/{pack.pk}/",
        f"/reporting/measures/UEC-ED4H/?organisation={world.org_a.code}",  # an inline SVG chart
        f"/meetings/calendar/?month={month:%Y-%m}",
        "/accounts/two-factor/",
        "/api/docs/",
    ]
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], f"{path}: {violations}"
    refused = [text for text in console if "Content Security Policy" in text]
    assert refused == [], refused
