"""Settings for the test suite, chosen explicitly with DJANGO_SETTINGS_MODULE (pyproject.toml).

Production settings, with only what a test run needs changed here, so that
everything else the tests see (throttling, security headers, mail) is what
production runs.
"""

import os
import tempfile
from pathlib import Path

# The production settings refuse to start without a secret key.
os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF")

from portal.settings import *  # noqa: F403
from portal.settings import INSTALLED_APPS, MIDDLEWARE, STORAGES

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Fast hashing: tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test server speaks plain HTTP and serves static files itself.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_PRELOAD = False
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Tasks run inside the request that queues them, so a test sees their effect at once; the tests of the
# real worker (tests/portal/test_tasks.py) switch to the database backend and run `db_worker` themselves.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Stored files (cached PDFs) go to a folder of this run's own, never into the checkout's .var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="samverkan-test-media-"))

# The tests run the tooling too (demo data, seeding, the benchmarks' and load test's own tests).
if "collaboration.devtools" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "collaboration.devtools"]
