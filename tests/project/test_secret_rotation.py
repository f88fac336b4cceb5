"""Rotating SECRET_KEY: with the old key in SECRET_KEY_FALLBACKS, people stay signed in."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
OLD = "old-key-" + "a1B2c3D4e5F6g7H8" * 4
NEW = "new-key-" + "z9Y8x7W6v5U4t3S2" * 4


def test_a_session_signed_with_the_old_key_still_works_after_rotation(client, world, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    client.force_login(world.personas["official"])
    away = type(client)()  # someone else, who will not come back until the old key is retired
    away.force_login(world.personas["analyst"])
    page = reverse("notification-list")
    assert client.get(page).status_code == 200

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]  # rotated
    assert client.get(page).status_code == 200  # still signed in (and the session re-signed with the new key)

    settings.SECRET_KEY_FALLBACKS = []  # the old key retired
    assert client.get(page).status_code == 200
    response = away.get(page)  # a session last used under the old key has ended
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _setting(name: str, **env_vars) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "SECRET_KEY", "SECRET_KEY_FALLBACKS"}}
    env.update(env_vars)
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    args = [sys.executable, "manage.py", "shell", "-c", code]
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_secret_key_fallbacks_and_log_format_come_from_the_environment():
    assert _setting("SECRET_KEY_FALLBACKS", SECRET_KEY_FALLBACKS=f"{OLD},{NEW}") == repr([OLD, NEW])
    assert _setting("SECRET_KEY_FALLBACKS") == "[]"
    assert _setting("LOG_FORMAT") == "'plain'"  # development
    assert _setting("LOG_FORMAT", LOG_FORMAT="json") == "'json'"
