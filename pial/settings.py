"""Settings for pial, read from the environment.

Zero configuration gives a development setup: DEBUG on, SQLite under var/,
Celery tasks run inline, e-mails printed on the console. With DEBUG off, the
values a production server cannot guess (SECRET_KEY, ALLOWED_HOSTS) must be
given or the server refuses to start. Every variable is listed in .env.example.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from pial.env import dev_secret_key, env_bool, env_int, env_list, env_storage, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PIAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
# Demo mode: the demo data and relaxed MFA are only honoured together with DEBUG.
DEMO = DEBUG and env_bool("DEMO", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY doit être défini quand DEBUG est désactivé (voir .env.example)."
        )
    SECRET_KEY = dev_secret_key(VAR_DIR)
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS doit être défini quand DEBUG est désactivé (voir .env.example)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "pial.apps.PialAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "csp",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "widget_tweaks",
    "dsfr",
    "pial",
    "aesh",
    "eleves",
    "missions",
    "recourse",
    "hours",
    "planner",
    "referents",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pial.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pial.middleware.PrivateResponseMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pial.middleware.ScopeMiddleware",
    "pial.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "pial.urls"
WSGI_APPLICATION = "pial.wsgi.application"

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
                "pial.context_processors.shell",
            ],
            "string_if_invalid": "",
        },
    }
]
FORM_RENDERER = "pial.rendering.FormRenderer"  # TemplatesSetting, common widgets written in Python
CRISPY_ALLOWED_TEMPLATE_PACKS = ("crispy_dsfr",)
CRISPY_TEMPLATE_PACK = "crispy_dsfr"
DSFR_MARK_OPTIONAL_FIELDS = True

# Database: DATABASE_URL, or a SQLite file under var/.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pial.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the Celery integration test's worker process opens it too.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(VAR_DIR / "test-pial.sqlite3")
    # The embedded default serves a small team at once: WAL lets readers and one writer work
    # side by side; IMMEDIATE transactions take the write lock at BEGIN, so a request waits its
    # turn (up to `timeout` seconds) instead of failing with « database is locked » on upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str(
        "TEST_DATABASE_NAME", "test_pial"
    )
    # Pages and reports run short statements whose cost estimates still pass jit_above_cost at
    # département scale: compiling them (300-400 ms measured) costs more than it saves.
    if not env_bool("DATABASE_JIT", False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A read replica for the reports (optional): DATABASE_REPLICA_URL, a PostgreSQL streaming standby
# of the default database. Only the reports' read-only statements go there, in a block chosen by
# reports.db (pial.db_router honours it): writes, sessions and the access journal stay on the
# primary. An unreachable replica (short connect timeout) or one lagging more than
# PIAL_REPLICA_MAX_LAG_SECONDS sends the reports back to the primary. Absent: no alias at all.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0)
    )
    if not DATABASES["default"]["ENGINE"] == DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL doit désigner une réplique PostgreSQL de DATABASE_URL (PostgreSQL lui aussi)."
        )
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"].setdefault("OPTIONS", {}).update(
        {"connect_timeout": env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2),
         **({"options": "-c jit=off"} if not env_bool("DATABASE_JIT", False) else {})}
    )
    # Tests: no database of its own, the test database itself (reports.db then reads on default).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["pial.db_router.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env_int("PIAL_REPLICA_MAX_LAG_SECONDS", 30)
# The replica's health (reachable, lag) is read at most once per this many seconds per process.
REPLICA_CHECK_SECONDS = env_int("PIAL_REPLICA_CHECK_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker and cache when given; otherwise tasks run inline, cache in memory.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "pial.cache.ResilientRedisCache",  # a Redis outage is a cache miss, not an error
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pial",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# In production the login limits must hold across processes and machines: without Redis the
# cache is the database's; with Redis, the database's takes over while Redis is down
# (pial.cache.ResilientRedisCache). Its table comes from `manage.py createcachetable` (release).
# Entries: Django's default (300, a third culled past it) would trim login counters, sessions and
# the cache epochs within minutes of an outage at a département's scale.
DATABASE_CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pial_cache",
                  "OPTIONS": {"MAX_ENTRIES": 100_000}}
# With the fallback, what one store missed during an outage is never read from it again
# (pial.cache epochs): every process re-reads the epochs at most this often (at once after a
# failure of its own), so a change another process made during the outage holds within it.
CACHE_EPOCH_CHECK_SECONDS = env_int("PIAL_CACHE_EPOCH_CHECK_SECONDS", 2)
if not DEBUG:
    if REDIS_URL:
        CACHES["fallback"] = DATABASE_CACHE
    else:
        CACHES["default"] = DATABASE_CACHE

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# A page that enqueues never waits long for a broker that is down (pial.queue.enqueue).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Without a broker, a planner run still leaves the request: "thread" (a thread of the web
# process, with progress and cancel) or "inline" (inside the request; the tests' choice).
PLANNER_EMBEDDED_RUN = env_str("PLANNER_EMBEDDED_RUN", "thread")
if PLANNER_EMBEDDED_RUN not in ("thread", "inline"):
    raise ImproperlyConfigured("PLANNER_EMBEDDED_RUN : « thread » ou « inline ».")
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "pial")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TIMEZONE = "Europe/Paris"
# Every periodic job, in one place: a static beat schedule, versioned and reviewed with
# the code (no database state to drift). Reminders are exactly-once by their key
# (pial.reminders), so a second beat process or a rerun sends nothing twice.
# The periodic jobs' entry points live outside the apps' tasks modules (found by autodiscovery).
CELERY_IMPORTS = ["pial.periodic"]
CELERY_BEAT_SCHEDULE = {
    "rappels-formation-60h": {"task": "pial.periodic.run_job", "schedule": crontab(hour=6, minute=30),
                              "args": ("training_due",)},
    "rappels-renouvellement-contrats": {"task": "pial.periodic.run_job", "schedule": crontab(hour=6, minute=35),
                                        "args": ("contract_renewal",)},
    "rappels-contrats-termines": {"task": "pial.periodic.run_job", "schedule": crontab(hour=6, minute=40),
                                  "args": ("contract_ended",)},
    "rappels-notifications-echeance": {"task": "pial.periodic.run_job", "schedule": crontab(hour=6, minute=45),
                                       "args": ("notification_ending",)},
    "rappels-notifications-terminees-affectees": {"task": "pial.periodic.run_job",
                                                  "schedule": crontab(hour=6, minute=50),
                                                  "args": ("notification_ended_assigned",)},
    "synthese-hebdomadaire-coordination": {"task": "pial.periodic.run_job",
                                           "schedule": crontab(day_of_week="mon", hour=7, minute=0),
                                           "args": ("weekly_digest",)},
    "rappels-semaines-en-brouillon": {"task": "pial.periodic.run_job",
                                     "schedule": crontab(day_of_week="mon", hour=8, minute=0),
                                     "args": ("timesheet_draft",)},
    "parcours-accueil-nouveaux-aesh": {"task": "referents.tasks.open_newcomer_paths",
                                       "schedule": crontab(hour=6, minute=20)},
    "rappels-accueil-nouveaux-aesh": {"task": "pial.periodic.run_job", "schedule": crontab(hour=6, minute=55),
                                      "args": ("newcomer_welcome",)},
    "chiffres-hebdomadaires-rapports": {"task": "reports.tasks.store_weekly_figures",
                                        "schedule": crontab(hour=2, minute=30)},
    "balayage-rappels-en-attente": {"task": "pial.periodic.sweep_reminders", "schedule": crontab(minute="*/15")},
    "calculs-planificateur-muets-clos": {"task": "planner.tasks.sweep_stale_runs", "schedule": crontab(minute="*/5")},
    # Does nothing unless PIAL_RENTREE_AUTO_SWITCH is on (missions.switch.auto_switch).
    "bascule-automatique-rentree": {"task": "missions.tasks.rentree_auto_switch",
                                    "schedule": crontab(hour=5, minute=0)},
    "imports-abandonnes-supprimes": {"task": "pial.periodic.purge_staged_imports", "schedule": crontab(minute=20)},
}

# Users and login (django-allauth).
AUTH_USER_MODEL = "pial.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "pial.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[pial] "
# Failed logins count per client address (20 in 5 minutes, whatever the accounts) and per
# account *from that address* (5 in 5 minutes: pial.adapters.AccountAdapter puts the address in
# the key), so wrong passwords typed from one address never lock the account's owner out
# elsewhere. The address is the client's only when the proxies in front are declared below.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/5m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# Behind a load balancer every request comes from its address: name how many proxies append
# to X-Forwarded-For (ALLAUTH_TRUSTED_PROXY_COUNT), or the header one of them sets to the
# client's address (ALLAUTH_TRUSTED_CLIENT_IP_HEADER, e.g. X-Real-IP). Neither by default: a
# client could then write its own address into the header.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "") or None
MFA_ADAPTER = "pial.adapters.MfaAdapter"
# A passkey (WebAuthn: the phone's fingerprint or face unlock) is the easy second factor, an
# authenticator app (TOTP) the other; recovery codes for a lost device.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # http://127.0.0.1 in development only
MFA_TOTP_ISSUER = "pial"
# Relaxed only on a demo machine: DEBUG and DEMO both set.
MFA_REQUIRED = not DEMO
# Key that encrypts TOTP secrets at rest; derived from SECRET_KEY when absent.
MFA_ENCRYPTION_KEY = env_str("MFA_ENCRYPTION_KEY", "")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after inactivity (each request extends them).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# Idle expiry slides when the session is saved: pial.middleware.SessionRefreshMiddleware saves an
# unchanged session once its last refresh is SESSION_REFRESH_SECONDS old, not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 5 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Security headers; HTTPS settings apply when DEBUG is off.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Balancers probe the health check on plain HTTP, from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Off only for the production shape on plain-HTTP loopback (make serve, the load bench).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy: nothing inline, scripts and style elements only from our own
# static files or with the request's nonce (templates read request.csp_nonce), no style
# attributes, no frames, no third-party origin. data: images are the TOTP QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Uploads: a request body above this is refused before any view reads it; each file
# field checks its own size and type as well (pial.validators).
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# E-mail: SMTP when EMAIL_HOST is set, console otherwise.
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pial <ne-pas-repondre@pial.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Development and tests look files up per request (no scan of collectstatic's output at each
# start: the test client starts the middleware once per test).
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = DEBUG
# Production serves static files from gunicorn with WhiteNoise: hashed names, compressed,
# cached for a year. Development and tests read them from the apps as they are.
# Uploaded documents live outside any public tree and are served by views only.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Spreadsheets between the steps of an import, parsed: private, read by the import views only.
    # A directory by default (one machine); with several web machines, a shared backend of
    # django-storages (IMPORT_STORAGE_BACKEND and IMPORT_STORAGE_OPTIONS, see .env.example).
    "imports": env_storage("IMPORT_STORAGE", PRIVATE_MEDIA_ROOT / "imports"),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Logs: plain lines in development, one JSON object per line when LOG_FORMAT=json
# (production: the log collector reads fields, not prose). Never a student's data:
# messages name records by id.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message", "process"],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Business settings (shared/domain.md marks them as settings). Per-record
# values, such as a contract's weeks, live in the database; these are the
# defaults and bounds. Read them through pial.conf.setting().
PIAL = {
    # Working time (circ. 2019-090 §3.4).
    "ANNUAL_BASE_HOURS": env_int("PIAL_ANNUAL_BASE_HOURS", 1607),  # some académies: 1593
    "CONTRACT_WEEKS_DEFAULT": 41,
    "CONTRACT_WEEKS_MIN": 41,
    "CONTRACT_WEEKS_MAX": 45,
    "SCHOOL_WEEKS": 36,
    # How the contractual quotité is rounded to a whole percent: UP, NEAREST or NONE.
    "QUOTITE_ROUNDING": env_str("PIAL_QUOTITE_ROUNDING", "UP"),
    # Contracts (loi 2022-1574, décret 2023-597).
    "CDD_YEARS": 3,
    "CDI_REFORM_DATE": "2023-09-01",
    "CDI_SERVICE_YEARS": 3,
    "CDI_SERVICE_YEARS_BEFORE_REFORM": 6,
    "CONTINUITY_MAX_GAP_MONTHS": 4,
    "RENEWAL_NOTICE_MONTHS": 2,
    "RENEWAL_NOTICE_MONTHS_CDI": 3,
    "AMENDMENT_ANSWER_MONTHS": 1,
    # AESH référent time (circ. 2019-088), in ETP.
    "REFERENT_QUOTITE_MIN": "0.25",
    "REFERENT_QUOTITE_MAX": "1",
    # Adaptation training (décret 2014-724 art. 8). Due date: "END_OF_FIRST_SCHOOL_YEAR"
    # of the first contract, or a number of months after its start.
    "ADAPTATION_TRAINING_HOURS": 60,
    "ADAPTATION_TRAINING_DUE": env_str("PIAL_ADAPTATION_TRAINING_DUE", "END_OF_FIRST_SCHOOL_YEAR"),
    # Notifications: individual hours never exceed the school week.
    "SCHOOL_WEEK_HOURS_FIRST_DEGREE": 24,
    "SCHOOL_WEEK_HOURS_SECOND_DEGREE": 35,
    "NOTIFICATION_ENDING_DAYS": 90,
    # Retention: student data until the end of the Nth calendar year after leaving
    # (national LPI benchmark: 1), the access journal for this many days.
    "STUDENT_RETENTION_YEARS_AFTER_LEAVING": env_int("PIAL_STUDENT_RETENTION_YEARS", 1),
    "JOURNAL_RETENTION_DAYS": env_int("PIAL_JOURNAL_RETENTION_DAYS", 730),
    # Timetables: default travel time between two schools, the lunch window.
    "TRAVEL_MINUTES_DEFAULT": 15,
    "LUNCH_WINDOW": ("11:30", "14:00"),
    # Planner: an AESH with a mutualisée aid supports up to this many students of the same
    # course (2 by default, to be confirmed by the DSDEN; a pôle may set its own in the planner's
    # choices), for this many hours a week when the notification gives the aid no hours of its own.
    "PLANNER_MUTUALISED_MAX_STUDENTS": env_int("PIAL_PLANNER_MUTUALISED_MAX_STUDENTS", 2),
    "PLANNER_MUTUALISED_TARGET_HOURS": 6,
    # Default importance of accompaniment (0–5) per family of subjects, when no student-level value is set.
    "PLANNER_FAMILY_PRIORITY": {"LETTRES": 3, "SCIENCES": 3, "LANGUES": 3, "AUTRE": 3, "EPS": 1, "ARTS": 1},
    # A rentrée plan keeps a student's AESH of year N: this bonus when the AESH wishes to follow the
    # same students, half of it without a wish, none when they declined (0: continuity ignored).
    "PLANNER_CONTINUITY_BONUS": 1.0,
    # A planner run stops after this many steps (candidates decided by the rules, every phase
    # counted: the same plan however loaded the machine) or this many balancing rounds.
    "PLANNER_STEP_BUDGET": env_int("PIAL_PLANNER_STEP_BUDGET", 1_200_000),
    "PLANNER_MAX_ROUNDS": 2000,
    # Week A / week B alternate from this Monday (a week A); the calendar feed covers this many days.
    "WEEK_A_REFERENCE": env_str("PIAL_WEEK_A_REFERENCE", "2026-08-31"),
    "CALENDAR_DAYS_AHEAD": 120,
    # Reminders: days before the due date / the end of a notification.
    "REMINDER_TRAINING_DAYS": [90, 30, 7],
    "REMINDER_NOTIFICATION_DAYS": [90, 30],
    "REMINDER_CONTRACT_ENDED_LOOKBACK_DAYS": 30,
    # Newcomers: an AESH whose first contract or first assignment started within this many days is
    # given a welcome path; their référent is reminded (once) when no welcome meeting is recorded
    # after this many school days.
    "NEWCOMER_DETECTION_DAYS": 45,
    "NEWCOMER_WELCOME_SCHOOL_DAYS": env_int("PIAL_NEWCOMER_WELCOME_SCHOOL_DAYS", 10),
    # Recourse to the inspector: may the AESH address the pôle's pilots as well?
    "RECOURSE_TO_PILOTS": env_bool("PIAL_RECOURSE_TO_PILOTS", False),
    # The rentrée: the « Préparer la rentrée » page opens on the last such day (MM-DD) before the
    # rentrée (a demo opens it the day after the current rentrée, so it is always alive); the
    # switch runs by itself on the rentrée date when RENTREE_AUTO_SWITCH is true.
    "RENTREE_PREPARATION_OPENS": env_str("PIAL_RENTREE_PREPARATION_OPENS", "09-02" if DEMO else "04-01"),
    "RENTREE_AUTO_SWITCH": env_bool("PIAL_RENTREE_AUTO_SWITCH", False),
    # Reports: counts of students below this show as « < 3 » (secret statistique).
    "REPORT_SMALL_CELL_THRESHOLD": env_int("PIAL_REPORT_SMALL_CELL_THRESHOLD", 3),
    "REPORT_SCHOOL_MIN_STUDENTS": env_int("PIAL_REPORT_SCHOOL_MIN_STUDENTS", 5),
    # Spreadsheet imports: a file with more data rows is refused whole (never cut short); reading
    # stops at these many columns, seconds and megabytes of memory (a child process); an XLSX or
    # ODS archive is refused before parsing beyond these counts, inflated sizes and ratio.
    "IMPORT_MAX_ROWS": env_int("PIAL_IMPORT_MAX_ROWS", 20000),
    "IMPORT_MAX_COLUMNS": 200,
    "IMPORT_READ_SECONDS": env_int("PIAL_IMPORT_READ_SECONDS", 20),
    "IMPORT_READ_MEMORY_MB": env_int("PIAL_IMPORT_READ_MEMORY_MB", 1024),
    "IMPORT_ARCHIVE_MAX_MEMBERS": 1000,
    "IMPORT_ARCHIVE_MAX_MEMBER_MB": 100,
    "IMPORT_ARCHIVE_MAX_TOTAL_MB": 200,
    "IMPORT_ARCHIVE_MAX_RATIO": 200,  # a realistic ODS reaches 60, a zip bomb about 1 000
    # Imports with more data rows than this are checked and saved by a Celery task (progress
    # on the page); staged imports not saved are deleted after this many hours.
    "IMPORT_BACKGROUND_ROWS": env_int("PIAL_IMPORT_BACKGROUND_ROWS", 1000),
    "IMPORT_STAGED_HOURS": 24,
}
if PIAL["PLANNER_STEP_BUDGET"] < 1:
    raise ImproperlyConfigured("PIAL_PLANNER_STEP_BUDGET doit être un nombre entier d'au moins 1 (étapes d'un "
                               "calcul du planificateur).")
