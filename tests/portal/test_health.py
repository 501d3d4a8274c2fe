"""The health check answers a load balancer that probes each server by its own address, over plain HTTP."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

pytestmark = pytest.mark.django_db

PRODUCTION_LIKE = {"ALLOWED_HOSTS": ["portal.example.se"], "SECURE_SSL_REDIRECT": True, "DEBUG": False}


@override_settings(**PRODUCTION_LIKE)
def test_a_probe_by_the_servers_own_address_over_http_is_answered(client):
    response = client.get("/halsa/", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "tasks": "ok"}
    assert "no-store" in response["Cache-Control"]


@override_settings(**PRODUCTION_LIKE)
def test_other_pages_still_refuse_an_unknown_host(client):
    assert client.get("/", HTTP_HOST="10.1.2.3:8000", secure=True).status_code == 400


@override_settings(**PRODUCTION_LIKE)
def test_it_says_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/halsa/", HTTP_HOST="10.1.2.3")
    assert response.status_code == 503
    assert response.json()["database"] == "fel"
    # and nothing about why: no error text, no versions, no host names
    assert set(response.json()) == {"status", "database", "tasks"}


def test_hsts_subdomains_and_preload_are_opt_in():
    from tests.portal.production import production_settings

    values = production_settings("SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_HSTS_SECONDS")
    assert values == {
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_HSTS_SECONDS": 31536000,
    }
    opted_in = production_settings(
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="true",
        DJANGO_HSTS_PRELOAD="true",
    )
    assert opted_in == {"SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True}
