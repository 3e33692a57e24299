"""Settings for the test suite: a throw-away data folder and a fast password hasher.

The database is chosen as in production: SQLite unless LUOSHI_DATABASE_URL is set
(the PostgreSQL leg of `make test`).
"""

import os
import tempfile

os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-test-"))

from luoshi.settings import *  # noqa: E402,F403

# PBKDF2's cost is the point in production and only slows every login in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303 - tests only

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
LUOSHI_JOBS_INLINE = True  # background exports run in the request, inside the test transaction
# The suite's transactions roll back and live-server tests flush the database, so anchors
# in a shared file would outlive their rows; anchor tests point this at their own file.
LUOSHI_AUDIT_ANCHOR = ""
# The SQLite test database is a file rather than memory, so that a worker started as a
# subprocess (luoshi/jobs/tests) reads and writes the same data as the test. Jobs are
# queued in the data folder's huey file and run only where a test starts a consumer or
# switches huey to immediate mode.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
