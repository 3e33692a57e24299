"""Settings for luoshi, read from LUOSHI_* environment variables.

The embedded default is SQLite (WAL) under LUOSHI_DATA_DIR (./var); production sets
LUOSHI_DATABASE_URL=postgres://… and LUOSHI_SECRET_KEY. Security figures come from
SECURITY.md; `luoshi.core.checks` refuses values looser than those at start-up.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LUOSHI_DATA_DIR", BASE_DIR.parent / "var")).resolve()
MEDIA_ROOT = Path(os.environ.get("LUOSHI_MEDIA_DIR", DATA_DIR / "media")).resolve()


def _private_folder(path: Path) -> Path:
    """A folder of ours readable by the service's account alone (0700), whatever the umask."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.geteuid():
        path.chmod(0o700)
    return path


def _private_file(path: Path) -> Path:
    """Creates the file 0600 before anyone writes to it (SQLite gives its -wal and -shm files
    the database file's mode), and tightens an existing one of ours."""
    if not path.exists():
        _private_folder(path.parent)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    elif path.stat().st_uid == os.geteuid():
        path.chmod(0o600)
    return path


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in ("1", "true", "yes", "on")


_private_folder(DATA_DIR)  # secret key, database, evidence and audit anchors live here


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept beside the data."""
    if key := os.environ.get("LUOSHI_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        import secrets

        _private_file(path).write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = _env_bool("LUOSHI_DEBUG")
SECRET_KEY = _secret_key()
# 16-byte SM4 key (hex) for personal fields; derived from SECRET_KEY when unset, which is
# fine for the embedded default and must be set explicitly (and backed up) in production.
FIELD_ENCRYPTION_KEY = os.environ.get("LUOSHI_FIELD_KEY", "")
# The audit chain's HMAC-SM3 key (luoshi.core.crypto.audit_key): never in the database.
# From the environment, else an `audit_key` file in the data folder, else derived from
# SECRET_KEY. Back it up beside the secret key: `luoshi audit verify` and restores need it.
LUOSHI_AUDIT_KEY = os.environ.get("LUOSHI_AUDIT_KEY", "") or (
    (DATA_DIR / "audit_key").read_text().strip() if (DATA_DIR / "audit_key").is_file() else ""
)
# The append-only file where signed chain heads are anchored outside the database; a path
# on another machine or a write-once mount is better still. Empty: no anchoring.
LUOSHI_AUDIT_ANCHOR = os.environ.get("LUOSHI_AUDIT_ANCHOR", str(DATA_DIR / "audit_anchor.log"))
LUOSHI_AUDIT_ANCHOR_SECONDS = int(os.environ.get("LUOSHI_AUDIT_ANCHOR_SECONDS", 60))
ALLOWED_HOSTS = os.environ.get("LUOSHI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "luoshi.core",
    "luoshi.audit",
    "luoshi.orgs",
    "luoshi.exports",
    "luoshi.accounts",
    "luoshi.work",
    "luoshi.plans",
    "luoshi.tasks",
    "luoshi.jobs",
    "luoshi.inspections",
    "luoshi.ledgers",
    "luoshi.notify",
    "luoshi.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "luoshi.core.middleware.SecurityHeadersMiddleware",
    "luoshi.core.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "luoshi.accounts.middleware.SessionPolicyMiddleware",
    "luoshi.core.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "luoshi.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "luoshi.core.context_processors.navigation",
            ],
        },
    },
]

_database_url = os.environ.get("LUOSHI_DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    # The database file 0600 (SECURITY.md; issue S-7), in the 0700 data folder: it holds the
    # accounts' hashes and the audit log, readable by the service's account alone.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _private_file(Path(os.environ.get("LUOSHI_SQLITE_PATH", DATA_DIR / "luoshi.sqlite3"))),
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so read-then-write
                # sequences (the audit chain head, status transitions) are serialised instead
                # of failing with "database is locked" half-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
# Past one machine (docs/scaling.md), each one setting away:
# - LUOSHI_DATABASE_REPLICA_URL: a PostgreSQL hot standby for reads that may lag
#   (luoshi.core.dbrouter says which), with the browser pinned to the primary after it writes;
# - LUOSHI_DB_POOL=N: psycopg's connection pool of up to N connections per process (Django's
#   own pooling; persistent connections are then off), or LUOSHI_DB_PGBOUNCER=1 when
#   LUOSHI_DATABASE_URL points at pgbouncer in transaction mode (no server-side cursors, which
#   do not survive a pooled transaction).
_replica_url = os.environ.get("LUOSHI_DATABASE_REPLICA_URL", "")
LUOSHI_REPLICA_PIN_SECONDS = int(os.environ.get("LUOSHI_REPLICA_PIN_SECONDS", 10))
if _database_url:
    _pool_size = int(os.environ.get("LUOSHI_DB_POOL", 0) or 0)
    _pgbouncer = os.environ.get("LUOSHI_DB_PGBOUNCER", "") == "1"
    for _alias, _url in (("default", _database_url), ("replica", _replica_url)):
        if not _url:
            continue
        DATABASES[_alias] = dj_database_url.parse(_url, conn_max_age=0 if _pool_size else 60)
        if _pool_size:
            DATABASES[_alias].setdefault("OPTIONS", {})["pool"] = {
                "min_size": 1,
                "max_size": _pool_size,
                "timeout": 10,
            }
        if _pgbouncer:
            DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = True
    if _replica_url:
        # Tests read the replica's copy of the primary's test database rather than make one.
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
        DATABASE_ROUTERS = ["luoshi.core.dbrouter.PrimaryReplicaRouter"]
        MIDDLEWARE.insert(
            MIDDLEWARE.index("luoshi.core.middleware.ApiErrorMiddleware"),
            "luoshi.core.middleware.PrimaryPinMiddleware",
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The job queue (huey, read by huey.contrib.djhuey): a SQLite file beside the data by
# default, so that `make run` needs nothing else; Redis when LUOSHI_REDIS_URL is set, for
# production and for workers on more than one machine. Queued jobs survive a restart of
# the server and of the worker in both. `immediate` is stated because djhuey would
# otherwise follow DEBUG and run jobs inside the request. huey's clock stays UTC; the
# periodic jobs convert it to TIME_ZONE themselves (luoshi.jobs.queue.local_crontab), so
# "just after midnight" means Beijing midnight whatever the server's zone.
REDIS_URL = os.environ.get("LUOSHI_REDIS_URL", "")
if not REDIS_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # huey opens its SQLite file at import
HUEY = {
    "name": "luoshi",
    "immediate": False,
    "utc": True,
    "results": False,  # jobs report through their Job row; nothing reads huey's result store
    # Two worker threads on a 2-core machine: an export and the periodic work run side by
    # side while the web server keeps a core.
    "consumer": {"workers": 2, "worker_type": "thread"},
    **(
        {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
        if REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "huey.sqlite3")}
    ),
}

# Cache and sessions: in the process by default; in Redis with LUOSHI_CACHE_URL (a Redis
# database of its own, not the job queue's: clearing a cache flushes its database), so that
# several app servers share the rate-limit windows and the sessions (cached_db: the session
# rows stay in the database, Redis holds copies, so a Redis restart logs nobody out).
CACHE_URL = os.environ.get("LUOSHI_CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "luoshi.accounts.validators.CharacterClassValidator"},
    {"NAME": "luoshi.accounts.validators.NotUsernameValidator"},
    {"NAME": "luoshi.accounts.validators.PasswordHistoryValidator"},
]

# Login policy (SECURITY.md); luoshi.core.checks refuses looser values.
LUOSHI_LOGIN_MAX_FAILURES = int(os.environ.get("LUOSHI_LOGIN_MAX_FAILURES", 5))
LUOSHI_LOCKOUT_MINUTES = int(os.environ.get("LUOSHI_LOCKOUT_MINUTES", 30))
LUOSHI_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("LUOSHI_PASSWORD_MAX_AGE_DAYS", 90))
LUOSHI_PASSWORD_HISTORY = int(os.environ.get("LUOSHI_PASSWORD_HISTORY", 5))
LUOSHI_IDLE_MINUTES = int(os.environ.get("LUOSHI_IDLE_MINUTES", 30))
LUOSHI_ADMIN_IDLE_MINUTES = int(os.environ.get("LUOSHI_ADMIN_IDLE_MINUTES", 15))
LUOSHI_SESSION_HOURS = int(os.environ.get("LUOSHI_SESSION_HOURS", 8))
LUOSHI_API_TOKEN_HOURS = int(os.environ.get("LUOSHI_API_TOKEN_HOURS", 8))

SESSION_COOKIE_AGE = LUOSHI_SESSION_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Over plain HTTP on 127.0.0.1 secure cookies would never be sent back; production
# behind TLS sets LUOSHI_HTTPS=1, which `check --deploy` expects.
_https = _env_bool("LUOSHI_HTTPS")
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _https else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "luoshi.core.views.csrf_failure"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
# The one "due soon" window (calendar days) of every page, the API and the exports.
# Beyond this many occurrences (or more than one department) SQLite has no margin left:
# the system administrator is told to move to PostgreSQL (luoshi.work.capacity).
LUOSHI_SQLITE_MAX_OCCURRENCES = int(os.environ.get("LUOSHI_SQLITE_MAX_OCCURRENCES", 200_000))
LUOSHI_DUE_SOON_DAYS = int(os.environ.get("LUOSHI_DUE_SOON_DAYS", "14"))
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence files: a folder readable by the service's account alone (0700, files 0600;
# SECURITY.md), or an S3-compatible bucket (MinIO, a provincial object store) with
# LUOSHI_S3_BUCKET; downloads from a bucket are signed addresses that expire after
# LUOSHI_S3_URL_SECONDS, handed out only after the app has checked the user's scope.
_s3_bucket = os.environ.get("LUOSHI_S3_BUCKET", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _s3_bucket,
                "endpoint_url": os.environ.get("LUOSHI_S3_ENDPOINT", "") or None,
                "access_key": os.environ.get("LUOSHI_S3_ACCESS_KEY", ""),
                "secret_key": os.environ.get("LUOSHI_S3_SECRET_KEY", ""),
                "region_name": os.environ.get("LUOSHI_S3_REGION", "") or None,
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": int(os.environ.get("LUOSHI_S3_URL_SECONDS", 60)),
                "signature_version": "s3v4",
            },
        }
        if _s3_bucket
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(MEDIA_ROOT / "evidence"),
                "base_url": None,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    ),
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# ClamAV's daemon for evidence uploads: "unix:/run/clamav/clamd.ctl" or "tcp:host:3310";
# unset, nothing is scanned. Configured but unreachable, uploads are refused (fail closed).
LUOSHI_CLAMD = os.environ.get("LUOSHI_CLAMD", "")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LUOSHI_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs every 5xx with its traceback, which may carry personal data from
        # local variables; luoshi.core.views.server_error logs an error id, the exception's
        # type and where it happened instead.
        "django.request": {"handlers": ["console"], "level": "CRITICAL", "propagate": False},
        # huey narrates every start and every periodic enqueue in English; luoshi.jobs says
        # in Chinese what was done, and huey's own warnings and errors still show.
        "huey": {"level": "WARNING"},
    },
}
