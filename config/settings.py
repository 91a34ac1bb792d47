"""Settings for Portfolio Office, driven by environment variables.

DJANGO_ENV selects the profile: ``development`` (default; what ``make run`` uses), ``test`` or
``production``. DATABASE_URL selects the database (SQLite file under ``var/`` when unset).
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import DEBUG_IN_PRODUCTION, env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("PMO_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env("DJANGO_ENV", "test" if "pytest" in sys.modules else "development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(DEBUG_IN_PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    if not SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to at least 50 random characters")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-development-key-only-for-local-use-" + "x" * 20)
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "bootstrap",
    "django_tasks",
    "django_tasks_db",
    "pmo.core",
    "pmo.portfolio",
    "pmo.raid",
    "pmo.reporting",
    "pmo.change",
    "pmo.schedule",
    "pmo.finance",
    "pmo.governance",
    "pmo.assurance",
    "pmo.lessons",
    "pmo.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pmo.core.errors.RefuseNullCharacters",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pmo.core.context_processors.navigation",
            ],
            "builtins": ["pmo.core.templatetags.formatting"],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pmo.sqlite3'}"),
        conn_max_age=60 if PRODUCTION else 0,
        conn_health_checks=PRODUCTION,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if DJANGO_ENV == "test":
        # A file (in the OS's cache), not SQLite's in-memory database: in a long transaction
        # (a test's) on a database the size of the demo's, the in-memory one spends most of its
        # time ending each statement's savepoint (restoring a backup of the demo: 47 s of CPU
        # against 11 s; ADR 0026).
        # One file per process (pytest-xdist adds each worker's suffix), removed by the tests.
        (VAR_DIR / "test-databases").mkdir(exist_ok=True)
        DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-databases" / f"{os.getpid()}.sqlite3")}
elif DJANGO_ENV == "test":
    # A commit need not wait for the disk in a throw-away test database (about 1 ms a commit:
    # the demo templates' builds, the browser tests' requests and emptied tables; ADR 0057).
    DATABASES["default"]["OPTIONS"] = {"options": "-c synchronous_commit=off"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# dumpdata (and so `pmo backup`) keeps times to the microsecond: Django's own JSON cuts them to ms.
SERIALIZATION_MODULES = {"json": "pmo.core.exact_json"}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "pmo.core.backends.RolesOnlyBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if DJANGO_ENV == "test":  # fast hashing for tests only
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS level 2 (V2.1.1): at least 12 characters.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: Django tells validators when a password changes, and this one then ends the
    # login's API tokens, whatever changed it (the admin, `pmo changepassword`, a link).
    {"NAME": "pmo.core.services.PasswordChangeEndsApiTokens"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio:home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# Lock a username from one address (not every user behind a shared proxy or office NAT).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind a reverse proxy, the number of proxies in front of the app (client address from
# X-Forwarded-For).
AXES_IPWARE_PROXY_COUNT = int(env("PMO_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("PMO_AXES_ENABLED", default=True)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("PMO_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# In tests, static files are looked up when asked for, not listed when the middleware starts:
# every test client starts the middleware anew, and listing the ~270 files of the apps' static
# folders each time was a sixth of the unit tests' CPU (docs/adr/0057).
if DJANGO_ENV == "test":
    WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = VAR_DIR / "media"

# Uploads: refuse anything bigger than this many bytes (Excel registers are small).
PMO_MAX_UPLOAD_BYTES = int(env("PMO_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# A form's or an API call's body, uploaded files apart: the largest a page sends within the text
# limits (a highlight report's seven 10,000-character texts, percent-encoded) is under 1 MB, so a
# 10 MB body is refused before any of it reaches a text field (413 in the API).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("PMO_MAX_FORM_BYTES", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = PMO_MAX_UPLOAD_BYTES

# Size tiers by headline budget (GBP): a project whose budget is at least the threshold is in
# that tier. The PMO tunes these; the engine classifies.
PMO_SIZE_TIER_THRESHOLDS = {"small": 0, "medium": 100_000, "large": 500_000, "major": 2_000_000}

# Free text: the most characters each kind of text field holds (pmo.core.text_limits). A note is
# a comment, a reason or a decision's notes; a description is a narrative (a project's
# description, a report's summary, an exception's options). Changing them needs no migration.
PMO_TEXT_LIMITS = {"note": 2_000, "description": 10_000}
# The most key milestones a highlight report or a baseline lists (the report form offers 30).
PMO_MAX_MILESTONES = 30

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pmo.core.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "pmo.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "pmo.core.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pmo.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "pmo.core.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portfolio Office API",
    "DESCRIPTION": "REST API of Portfolio Office: the portfolio register and everything the PMO runs.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No deep links: Swagger UI writes each operation's path as a link inside the button that
    # opens the operation (a control inside a control, which screen readers do not announce).
    # Examples without syntax colours (Swagger UI's are below a 4.5:1 contrast).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets shared by several fields, or several sets behind one field name ("status"),
    # named once so the schema's enums are stable.
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "pmo.portfolio.choices.ProjectStatus",
        "PeriodStatusEnum": "pmo.reporting.choices.PeriodStatus",
        "ReportStatusEnum": "pmo.reporting.choices.ReportStatus",
        "RatingEnum": "pmo.reporting.choices.Rating",
        "StatusRatingEnum": "pmo.portfolio.register.RATINGS",  # a project's declared and evidence status
        "ToleranceStateEnum": "pmo.reporting.choices.ToleranceState",
        "ExceptionStatusEnum": "pmo.reporting.choices.ExceptionStatus",
        "ActionStatusEnum": "pmo.raid.choices.ActionStatus",
        # RAID and change control (issue 4), and the names the earlier sets keep beside them.
        "CategoryEnum": "pmo.portfolio.choices.ProjectCategory",
        "PriorityEnum": "pmo.portfolio.choices.Priority",  # a health check finding's severity too
        "KindEnum": "pmo.portfolio.choices.OrgUnitKind",
        "SourceEnum": "pmo.reporting.choices.BaselineSource",
        "DecisionEnum": "pmo.reporting.choices.ExceptionDecision",
        "LevelEnum": "pmo.raid.choices.Level",
        "EscalationLevelEnum": "pmo.raid.api.ESCALATION_LEVELS",
        "RiskStatusEnum": "pmo.raid.choices.RiskStatus",
        "RiskCategoryEnum": "pmo.raid.choices.RiskCategory",
        "RiskKindEnum": "pmo.raid.choices.RiskKind",
        "AssumptionStatusEnum": "pmo.raid.choices.AssumptionStatus",
        "IssueStatusEnum": "pmo.raid.choices.IssueStatus",
        "IssuePriorityEnum": "pmo.raid.choices.Priority",
        "DependencyStatusEnum": "pmo.raid.choices.DependencyStatus",
        "ActionSourceEnum": "pmo.raid.choices.ActionSource",
        "DecisionStatusEnum": "pmo.raid.choices.DecisionStatus",
        "ChangeStatusEnum": "pmo.change.choices.ChangeStatus",
        "ChangeDecisionEnum": "pmo.change.choices.Decision",
        # a budget's list and its detail share it (the list gives sums, not lines)
        "BudgetVersionStatusEnum": "pmo.finance.choices.BudgetStatus",
        # Lifecycle gates (issue 13): a review's status, its outcome (and each recommendation),
        # who decides it, and the size tier from which the board does.
        "GateReviewStatusEnum": "pmo.governance.choices.ReviewStatus",
        "GateOutcomeEnum": "pmo.governance.choices.Outcome",
        "GateAuthorityEnum": "pmo.governance.choices.GateAuthority",
        "GateEvidenceKindEnum": "pmo.governance.choices.EvidenceKind",
        "BoardKindEnum": "pmo.governance.choices.BoardKind",
        "BoardCadenceEnum": "pmo.governance.choices.Cadence",
        "BoardMemberRoleEnum": "pmo.governance.choices.MemberRole",
        "MeetingStatusEnum": "pmo.governance.choices.MeetingStatus",
        "AgendaSourceEnum": "pmo.governance.choices.AgendaSource",
        "AgendaItemStatusEnum": "pmo.governance.choices.ItemStatus",
        "AttendanceStatusEnum": "pmo.governance.choices.AttendanceStatus",
        "MinuteKindEnum": "pmo.governance.choices.MinuteKind",
        "AuthorityEnum": "pmo.change.choices.Authority",  # its name before gates had an authority
        "SizeTierEnum": "pmo.portfolio.choices.SizeTier",
        # Health checks and lessons (issue 13), and the RAID issue severity beside them.
        "IssueSeverityEnum": "pmo.raid.choices.Severity",
        "HealthCheckStatusEnum": "pmo.assurance.choices.HealthCheckStatus",
        "PublicationStatusEnum": "pmo.lessons.choices.LessonStatus",  # a questionnaire's as well
        "LessonCategoryEnum": "pmo.lessons.choices.LessonCategory",
        "LessonSourceEnum": "pmo.lessons.choices.LessonSource",
        "ComplianceKindEnum": "pmo.assurance.choices.ComplianceKind",
    },
}

EMAIL_BACKEND = env(
    "PMO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("PMO_FROM_EMAIL", "pmo@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("PMO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("PMO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("PMO_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("PMO_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("PMO_EMAIL_USE_TLS", default=False)

# Background and periodic work (Django's Tasks API through django-tasks): the database backend
# and its worker (``pmo worker``, started by ``pmo run``). Tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": env(
            "PMO_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if DJANGO_ENV == "test"
            else "django_tasks_db.DatabaseBackend",
        )
    }
}
# How often the worker's clock queues the reporting cycle's periodic run (seconds).
PMO_CYCLE_INTERVAL_SECONDS = int(env("PMO_CYCLE_INTERVAL_SECONDS", "900"))
# The periodic tasks `pmo worker` queues: dotted path of the task -> seconds between runs.
PMO_PERIODIC_TASKS = {
    "pmo.reporting.tasks.reporting_cycle": PMO_CYCLE_INTERVAL_SECONDS,
    "pmo.core.tasks.work_digest": int(env("PMO_DIGEST_INTERVAL_SECONDS", "86400")),
}
# How often the worker's clock looks for a periodic task that is due (seconds).
PMO_CLOCK_TICK_SECONDS = float(env("PMO_CLOCK_TICK_SECONDS", "10"))
# A periodic run "running" for longer than this is taken to be lost with its worker (seconds).
PMO_PERIODIC_TASK_STALE_SECONDS = int(env("PMO_PERIODIC_TASK_STALE_SECONDS", "3600"))
# One worker per database: a worker not heard from for this long is taken to be gone, and another
# may start (seconds; a running worker renews its lease every third of it).
PMO_WORKER_LEASE_SECONDS = int(env("PMO_WORKER_LEASE_SECONDS", "30"))
# Evidence-based status: a milestone not reported achieved this many days after its date is
# overdue (sooner when the project's own latest report covers the date).
PMO_MILESTONE_GRACE_DAYS = int(env("PMO_MILESTONE_GRACE_DAYS", "14"))
# Work queues: something waiting for someone (a change to assess or decide, an exception to
# decide, a report to quality-check) is due this many days after it started waiting.
PMO_WORK_RESPONSE_DAYS = int(env("PMO_WORK_RESPONSE_DAYS", "10"))
# A board meeting's agenda and papers go out this many days before it (the secretary's work
# queue asks for them from twice as many days ahead).
PMO_BOARD_PAPERS_DAYS = int(env("PMO_BOARD_PAPERS_DAYS", "5"))
# Work queues: the items of one kind a queue lists one by one; beyond this many, one item stands
# for them all and links to the page listing them ("Quality-check 3,177 submitted reports").
PMO_WORK_ONE_BY_ONE = int(env("PMO_WORK_ONE_BY_ONE", "50"))
# The address links in e-mails start with.
PMO_SITE_URL = env("PMO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("PMO_LOG_LEVEL", "WARNING")},
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): pages load scripts, styles, fonts and images from this
# site only and run no inline script or style, so injected markup cannot run (ADR 0023).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("PMO_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("PMO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
