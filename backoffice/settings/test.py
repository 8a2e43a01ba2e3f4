"""Settings for the test suite: the real configuration with test-only defaults.

DATABASE_URL still decides the database, so the same suite runs on SQLite and PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")
os.environ.setdefault("AKTENFLUSS_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("AKTENFLUSS_DATA_DIR", tempfile.mkdtemp(prefix="aktenfluss-test-"))

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# WhiteNoise expects collected static files; the suite serves them through staticfiles.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
