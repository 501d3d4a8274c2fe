"""Settings parse strictly, and the test run's settings are chosen explicitly."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.settings import env_bool, env_int
from tests.portal.production import production_env, production_settings


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" ON ", True),
        ("0", False),
        ("FALSE", False),
        ("no", False),
        ("off", False),
    ],
)
def test_env_bool_knows_the_usual_words_in_any_case(monkeypatch, value, expected):
    monkeypatch.setenv("PORTAL_FLAG", value)
    assert env_bool("PORTAL_FLAG", default=not expected) is expected


def test_env_bool_falls_back_to_the_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("PORTAL_FLAG", raising=False)
    assert env_bool("PORTAL_FLAG", default=True) is True
    monkeypatch.setenv("PORTAL_FLAG", "")
    assert env_bool("PORTAL_FLAG", default=False) is False


@pytest.mark.parametrize("value", ["ture", "y", "2", "enabled", "nej"])
def test_env_bool_refuses_a_value_it_does_not_know_and_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("DJANGO_SECURE_COOKIES", value)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECURE_COOKIES"):
        env_bool("DJANGO_SECURE_COOKIES", default=True)


def test_env_int_refuses_a_value_that_is_not_a_number(monkeypatch):
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "fem")
    with pytest.raises(ImproperlyConfigured, match="AXES_FAILURE_LIMIT"):
        env_int("AXES_FAILURE_LIMIT", 5)


def test_a_typo_in_a_protection_stops_a_production_start():
    env = production_env(
        DJANGO_SECRET_KEY="production-like-key-for-this-test-only-0123456789abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="portal.example.se",
        DJANGO_SECURE_COOKIES="ture",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECURE_COOKIES='ture' is not a yes/no value" in result.stderr


def test_the_test_run_switches_its_settings_on_explicitly():
    """Production settings never guess that they run under a test runner."""
    assert settings.SETTINGS_MODULE == "portal.settings_test"
    import portal.settings as production

    assert not hasattr(production, "TESTING")
    assert not hasattr(production, "PASSWORD_HASHERS")  # Django's strong default


@pytest.mark.parametrize(
    "value", ["samverkan.example.se", "ftp://samverkan.example.se", "https://samverkan.example.se/portal"]
)
def test_a_site_url_that_is_not_a_plain_web_address_stops_the_start(value):
    env = production_env(
        DJANGO_SECRET_KEY="production-like-key-for-this-test-only-0123456789abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="portal.example.se",
        PORTAL_SITE_URL=value,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "PORTAL_SITE_URL must be like https://samverkan.example.se" in result.stderr


def test_the_site_url_is_read_from_the_environment_without_a_trailing_slash():
    assert production_settings("SITE_URL", PORTAL_SITE_URL="https://samverkan.example.se/") == {
        "SITE_URL": "https://samverkan.example.se"
    }
    assert production_settings("SITE_URL") == {"SITE_URL": "http://127.0.0.1:8000"}


def test_retries_of_notification_mail_are_bounded_by_settings():
    assert production_settings(
        "NOTIFICATION_MAX_ATTEMPTS", "NOTIFICATION_RETRY_SECONDS", PORTAL_MAIL_MAX_ATTEMPTS="3"
    ) == {"NOTIFICATION_MAX_ATTEMPTS": 3, "NOTIFICATION_RETRY_SECONDS": 60}
