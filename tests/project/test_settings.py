"""The settings module: safe in production, runnable with no environment at all."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3y-" + "x7Qp2vLm9sT4wZ8rB1nC6dF0gH5jK3aE" * 2,
    "ALLOWED_HOSTS": "oversight.example.gov.wales",
    "DATABASE_URL": "postgres://oversight:secret@db.example:5432/oversight",
    "CELERY_BROKER_URL": "redis://redis.example:6379/0",
}
CLEARED = [
    "DJANGO_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
]


def manage(*args, **env_vars):
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS"),
        ("DATABASE_URL", "real database"),
        ("CELERY_BROKER_URL", "CELERY_BROKER_URL"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_sqlite_database():
    result = manage("check", **{**PRODUCTION, "DATABASE_URL": "sqlite:///oversight.sqlite3"})
    assert result.returncode != 0
    assert "real database" in result.stderr


def test_production_refuses_debug():
    result = manage("check", **{**PRODUCTION, "DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_no_environment_at_all_gives_sqlite_and_eager_tasks():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='oversight.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.DEBUG)"
    )
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "True",
    ], out.stderr


def test_database_url_and_broker_switch_to_postgresql_and_redis():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='oversight.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    )
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(DATABASE_URL="postgres://u:p@127.0.0.1:5432/x", CELERY_BROKER_URL="redis://127.0.0.1:6379/3")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["django.db.backends.postgresql", "False", "redis://127.0.0.1:6379/3"], out.stderr


def test_celery_app_serialises_json_acks_late_and_has_time_limits():
    from oversight.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit == 300
    assert app.conf.task_soft_time_limit == 240
    assert isinstance(app.conf.beat_schedule, dict)


def test_production_cookies_are_secure_and_hsts_lasts_a_year():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='oversight.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS >= 365 * 24 * 60 * 60, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_CONTENT_TYPE_NOSNIFF,"
        " s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'] == [\"'self'\"])"
    )
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(PRODUCTION)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["True"] * 7 + ["DENY", "same-origin", "True"], out.stderr


def test_sign_in_protection_settings():
    from django.conf import settings

    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AXES_FAILURE_LIMIT == 5
    # Per account (and per account at one address), never per address alone: colleagues share one.
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "username"]
    assert settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is False
    assert settings.AXES_CLIENT_IP_CALLABLE == "oversight.security.client_ip"
    assert settings.OTP_ADMIN_HIDE_SENSITIVE_DATA is True
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_the_example_environment_file_starts_the_service_as_it_stands():
    """Copying .env.example to .env unchanged gives a working development service: an optional
    variable left empty there would make settings fail on start-up."""
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    assert "DJANGO_ENV" in values  # the file was read
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='oversight.settings'; django.setup();"
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.ATTACHMENT_MAX_BYTES)"
    )
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(values)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.db.backends.sqlite3", str(20 * 1024 * 1024)]
