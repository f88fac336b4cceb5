import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from organisations.models import Membership


def test_healthz_reports_the_database_and_an_unconfigured_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("not configured")


def test_healthz_answers_503_when_the_configured_broker_is_down(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


@pytest.mark.django_db
def test_demo_data_refuses_to_load_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo")
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_demo_sign_ins_work_one_per_role(settings, client, capsys):
    settings.DEBUG = True
    call_command("seed_reference")
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    printed = capsys.readouterr().out
    roles = set(Membership.objects.values_list("role", flat=True))
    assert len(roles) == 8
    assert Membership.objects.count() == 8
    for username in ["official", "decision", "secretariat", "analyst", "submitter", "executive", "partner", "admin"]:
        assert f"{username} " in printed
        response = client.post(reverse("login"), {"username": username, "password": "oversight-demo"})
        assert response.status_code == 302, username
        # The demo decision maker and administrator set up two-factor authentication on first
        # sign-in, as real ones do (docs/decisions.md); everyone else goes straight in.
        first_page = reverse("two-factor-setup") if username in ("decision", "admin") else reverse("home")
        assert response["Location"] == first_page
        client.logout()


def test_a_wrong_password_is_explained_on_the_sign_in_page(client, db):
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct user name and password" in response.content.decode()
