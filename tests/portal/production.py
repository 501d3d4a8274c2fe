"""The production settings as a production start computes them, read in a separate process."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from typing import Any

from django.conf import settings

# Settings that decide who is throttled: tests apply these values with override_settings.
THROTTLING_SETTINGS = (
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "AXES_LOCKOUT_PARAMETERS",
    "AXES_USERNAME_FORM_FIELD",
    "AXES_USERNAME_CALLABLE",
    "AXES_RESET_ON_SUCCESS",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_ORDER",
    "IPWARE_STRICT",
    "AXES_ENABLED",
    "PASSWORD_RESET_LIMITS",
)

_DUMP = """
import json, sys
from datetime import timedelta
import portal.settings as s
def plain(value):
    if isinstance(value, timedelta):
        return {"seconds": value.total_seconds()}
    return value
print(json.dumps({name: plain(getattr(s, name, None)) for name in sys.argv[1:]}))
"""


def production_env(**overrides: str) -> dict[str, str]:
    """The test process's environment without anything that marks it as a test or development run."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_")) and key not in {"AXES_ENABLED", "AXES_IPWARE_PROXY_COUNT"}
    }
    env.update(overrides)
    return env


def production_settings(*names: str, **env: str) -> dict[str, Any]:
    """The named settings of `portal.settings` started with production's environment plus `env`."""
    return dict(_dump(tuple(sorted(env.items())), names))


@functools.cache
def _dump(env_items: tuple[tuple[str, str], ...], names: tuple[str, ...] = THROTTLING_SETTINGS) -> dict[str, Any]:
    env = production_env(
        DJANGO_SECRET_KEY="production-like-key-for-reading-settings-only-0123456789abcdefghij",
        DJANGO_ALLOWED_HOSTS="portal.example.se",
        **dict(env_items),
    )
    result = subprocess.run(
        [sys.executable, "-c", _DUMP, *names],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def production_throttling(**env: str) -> dict[str, Any]:
    """The throttling settings of `portal.settings` started with production's environment plus `env`."""
    from datetime import timedelta

    values = dict(_dump(tuple(sorted(env.items()))))
    values["AXES_COOLOFF_TIME"] = timedelta(seconds=values["AXES_COOLOFF_TIME"]["seconds"])
    if values["AXES_IPWARE_META_PRECEDENCE_ORDER"] is not None:
        values["AXES_IPWARE_META_PRECEDENCE_ORDER"] = tuple(values["AXES_IPWARE_META_PRECEDENCE_ORDER"])
    return {name: value for name, value in values.items() if value is not None}
