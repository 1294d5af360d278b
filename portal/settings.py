# Over 400 lines: every setting of the portal in one place, each with the reason it has its value.
"""Misto settings: everything that differs between machines comes from the environment.

Local defaults let `make run` work on a fresh machine; production sets at least SECRET_KEY,
DEBUG=0, ALLOWED_HOSTS and DATABASE_URL (see README.md and docker-compose.yml). With DEBUG off
the default secret is refused by a system check (portal/checks.py).
"""

import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# A development-only secret; portal.checks refuses to run with it when DEBUG is off.
DEFAULT_SECRET_KEY = "misto-insecure-development-key-change-me"
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# /ogcapi/ refuses a write without a token or CSRF token in its own format (core/auth.py).
CSRF_FAILURE_VIEW = "core.auth.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "simple_history",
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "portal",
    "city",
    "facilities",
    "housing_registry",
    "citizen_requests",
    "gis_layers",
    "basemap",
    "coverage",
    "notices",
    "demo",
    "core.axes_app.AxesConfig",  # django-axes, named in the page's language
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # django-csp: one strict policy, the admin included
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.auth.ApiTokenMiddleware",  # /ogcapi/, /tiles/layers/: personal API tokens (core/api_tokens.py)
    "core.bad_input.BadInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# gunicorn serves static files itself through WhiteNoise (`make run`, also with DEBUG=1, when
# it finds them through the finders); in `make stack` nginx serves them before they reach it.
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgis://misto:misto@127.0.0.1:5432/misto")}
# Whatever scheme the URL names, the portal needs the PostGIS backend.
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# Every query of the portal is short (a page, a tile, a feature page): PostgreSQL's JIT compiler
# costs more than it saves on them (a z12 tile spent 58 of its 277 ms compiling), so each session
# runs without it. bench/harness.py runs the raw SQL with the same session settings.
DB_SESSION_OPTIONS = "-c jit=off"
DATABASES["default"].setdefault("OPTIONS", {})["options"] = DB_SESSION_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming read replica (core/db_router.py): public reads go there while it answers and
# keeps up; a client that wrote reads the primary for MISTO_READ_PRIMARY_SECONDS.
MISTO_REPLICA_MAX_LAG_S = env.float("MISTO_REPLICA_MAX_LAG_S", default=5.0)
MISTO_REPLICA_CHECK_S = env.float("MISTO_REPLICA_CHECK_S", default=2.0)
MISTO_READ_PRIMARY_SECONDS = env.int("MISTO_READ_PRIMARY_SECONDS", default=10)
# Public read-only pages and APIs (regular expressions matched at the start of the path).
MISTO_REPLICA_PATHS = env.list(
    "MISTO_REPLICA_PATHS",
    default=[
        r"/tiles/", r"/api/v1/", r"/ogcapi/", r"/open311/v2/", r"/layers/", r"/map/",
        r"/requests/$", r"/requests/(map|feed|figures)/", r"/requests/\d{4}-\d{1,7}/$",
    ],
)  # fmt: skip
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "ENGINE": DATABASES["default"]["ENGINE"],
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "OPTIONS": {"connect_timeout": 2, "options": DB_SESSION_OPTIONS},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): failures are counted per user name and, separately, per
# client address; either reaching the limit refuses logins (form and HTTP Basic) until the
# cool-off has passed. The first backend only checks the lock, ModelBackend checks passwords.
AUTHENTICATION_BACKENDS = [
    "core.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("MISTO_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("MISTO_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"  # the login page, translated
# A success does not wipe the counts: otherwise one valid account would reset the per-address
# count for an attacker guessing other users' passwords. Counts expire with the cool-off.
AXES_RESET_ON_SUCCESS = False
# The client address is REMOTE_ADDR, as everywhere in the portal (a proxy in front sets it):
# a header the client writes itself (X-Forwarded-For) would let it dodge the per-address lock.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Ukrainian first, English second. The language comes from the visitor's choice (cookie),
# not from the browser's Accept-Language: a city portal speaks the city's language by default.
LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", "Українська"), ("en", "English")]
# The portal's own catalogue first, then Ukrainian for third-party apps that ship none.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_thirdparty"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Kyiv")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Mail: EMAIL_URL such as smtp://user:pass@mail.example.org:587/?tls=True; locally the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Misto <noreply@misto.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (imports, notifications) goes through Celery on this broker.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
# Without a broker named in the environment (make run, make test, make bench) tasks run in
# the process that queues them; docker-compose names Redis, so there the worker runs them.
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default="CELERY_BROKER_URL" not in env.ENVIRON
)
CELERY_TASK_ACKS_LATE = True
# Where imports run: "celery" (the worker; production) or "thread" (a thread of the web
# process: `make run` without a worker). Tests run the Celery tasks eagerly.
MISTO_BACKGROUND = env.str("MISTO_BACKGROUND", default="celery")
# `celery -A portal beat`: the request route's periodic work (times in TIME_ZONE).
CELERY_BEAT_SCHEDULE = {
    "webhooks-send": {"task": "citizen_requests.tasks.webhooks_send_task", "schedule": 60.0},
    "requests-close-answered": {
        "task": "citizen_requests.tasks.requests_close_answered_task",
        "schedule": crontab(hour=2, minute=0),
    },
    "overdue-digest": {
        "task": "citizen_requests.tasks.overdue_digest_task",
        "schedule": crontab(hour=8, minute=0),
    },
    # Messages whose task a broker restart lost (citizen_requests/services/notifications.py, notifications_sweep).
    "notifications-sweep": {"task": "citizen_requests.tasks.notifications_sweep_task", "schedule": 30.0},
    # Notice messages held by the quiet hours, lost tasks, interrupted claims (notices/services/deliveries.py).
    "notices-deliveries-sweep": {"task": "notices.tasks.deliveries_sweep_task", "schedule": 60.0},
}
MISTO_SWEEP_AFTER_S = env.int("MISTO_SWEEP_AFTER_S", default=60)

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://misto")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis restart makes the cache miss, never a 500 (core/cache_backend.py).
    CACHES["default"]["BACKEND"] = "core.cache_backend.FailOpenRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=1, socket_timeout=2)
# Queuing a task while the broker restarts: keep trying for ~10 s before the message is left
# pending (for `manage.py notifications_send`).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 12,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # DRF's defaults, with HTTP Basic counted by the login throttle (core/auth.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "core.auth.ApiTokenAuthentication",  # personal API tokens: Bearer, or Basic with the token
        "core.auth.ThrottledBasicAuthentication",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Misto API",
    "DESCRIPTION": "Public data of the Horishni Plavni city portal: facilities and their categories (GeoJSON).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation page loads Swagger UI from the portal itself, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # OpenAPI 3.1 documents the webhooks the portal sends to the document workflow system.
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api_schema.add_refusals",
        "portal.api_schema.nullable_as_type",
    ],
    "WEBHOOKS": ["citizen_requests.api.workflow.request_transition_webhook"],
}

# The map. An empty basemap URL draws the city's own basemap (basemap/), so the map works with
# no tile server at all and no page contacts another host; its licences (empty: the translated
# default naming ODbL, core.maps), its labels' font and the glyphs rendered from it. Production
# may set e.g. MISTO_BASEMAP_URL=https://tile.openstreetmap.org/{z}/{x}/{y}.png
MISTO_BASEMAP_URL = env.str("MISTO_BASEMAP_URL", default="")
MISTO_BASEMAP_ATTRIBUTION = env.str("MISTO_BASEMAP_ATTRIBUTION", default="&copy; OpenStreetMap contributors")
MISTO_BASEMAP_OWN_ATTRIBUTION = env.str("MISTO_BASEMAP_OWN_ATTRIBUTION", default="")
MISTO_BASEMAP_FONT_DIR = Path(env.str("MISTO_BASEMAP_FONT_DIR", default="/usr/share/fonts/truetype/dejavu"))
_GLYPHS = Path(tempfile.gettempdir()) / "misto-glyphs"
MISTO_BASEMAP_GLYPH_DIR = Path(env.str("MISTO_BASEMAP_GLYPH_DIR", default=str(_GLYPHS)))
# Vector tiles: how long a worker trusts the data version it read (seconds), and how long a
# tile stays in the cache (a data change makes new cache keys anyway).
MISTO_TILE_VERSION_TTL = env.float("MISTO_TILE_VERSION_TTL", default=1.0)
MISTO_TILE_CACHE_SECONDS = env.int("MISTO_TILE_CACHE_SECONDS", default=3600)
MISTO_MAP_CENTER = (49.0105, 33.638)  # lat, lon: the centre of Horishni Plavni
MISTO_MAP_ZOOM = 14
# GIS layer imports: the largest file accepted, and the most an archive may unpack to.
MISTO_IMPORT_MAX_BYTES = env.int("MISTO_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
MISTO_IMPORT_MAX_UNPACKED_BYTES = env.int("MISTO_IMPORT_MAX_UNPACKED_BYTES", default=1024 * 1024 * 1024)
# Checked before the preview is built: a feature or a whole import with more vertices is refused.
MISTO_IMPORT_MAX_VERTICES_PER_FEATURE = env.int("MISTO_IMPORT_MAX_VERTICES_PER_FEATURE", default=100_000)
MISTO_IMPORT_MAX_VERTICES_PER_IMPORT = env.int("MISTO_IMPORT_MAX_VERTICES_PER_IMPORT", default=5_000_000)
# Layer downloads are written once per data version and kept here (not under MEDIA_ROOT).
MISTO_EXPORT_CACHE_DIR = Path(
    env.str("MISTO_EXPORT_CACHE_DIR", default=str(Path(tempfile.gettempdir()) / "misto-exports"))
)
MISTO_DEMO_DATA_DIR = Path(env.str("MISTO_DEMO_DATA_DIR", default=str(BASE_DIR / "data" / "shapefiles")))
MISTO_DEMO_PASSWORD = env.str("MISTO_DEMO_PASSWORD", default="misto-demo")

# The housing registry: PDF reports need a font with Cyrillic letters (Debian: fonts-dejavu-core);
# documents and work attachments are stored under MEDIA_ROOT and served to registry staff only.
MISTO_PDF_FONT_DIR = Path(env.str("MISTO_PDF_FONT_DIR", default="/usr/share/fonts/truetype/dejavu"))
MISTO_REGISTRY_UPLOAD_MAX_MB = env.int("MISTO_REGISTRY_UPLOAD_MAX_MB", default=20)

# Service coverage (coverage/): residents per apartment where no resident count is known, the
# longest walk from a building or facility to a street before it counts as not connected, the
# edge of the public map's hexagons and the spacing of the grid of candidate sites (metres).
MISTO_COVERAGE_HOUSEHOLD_SIZE = env.float("MISTO_COVERAGE_HOUSEHOLD_SIZE", default=2.3)
MISTO_COVERAGE_MAX_ACCESS_M = env.float("MISTO_COVERAGE_MAX_ACCESS_M", default=300.0)
MISTO_COVERAGE_HEXAGON_M = env.float("MISTO_COVERAGE_HEXAGON_M", default=150.0)
MISTO_COVERAGE_GRID_M = env.float("MISTO_COVERAGE_GRID_M", default=200.0)
MISTO_COVERAGE_MAX_CANDIDATES = env.int("MISTO_COVERAGE_MAX_CANDIDATES", default=1500)

# Browser hardening on every page. Local development (DEBUG=1) stays plain http://.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    # The proxy in front terminates TLS and says so in this header (it must overwrite any
    # value the client sent); http:// requests are redirected to https://.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # /healthz is probed over plain HTTP from inside the host (docker, load balancer).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # HSTS: a year, for subdomains too; preload only when the city asks for it (hard to undo).
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy (django-csp): scripts only from the portal itself, inline ones only
# with the page's nonce (templates write nonce="{{ request.csp_nonce }}").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # <style> elements and style sheets: the portal's own, or with the nonce.
        "style-src": [SELF, NONCE],
        "style-src-elem": [SELF, NONCE],
        # style="" attributes: the templates colour swatches with them (--colour) and Leaflet
        # plugins and Swagger UI write markup with style attributes (icons, tooltips); an
        # attribute cannot load anything or run script, so these are allowed.
        "style-src-attr": [UNSAFE_INLINE],
        # data: and blob: are images Leaflet, the markers and Swagger UI draw; a configured
        # basemap tile server (MISTO_BASEMAP_URL) is added below.
        "img-src": [SELF, "data:", "blob:"],
        "worker-src": [SELF, "blob:"],  # map libraries decode tiles in blob: workers
        "connect-src": [SELF],
        "font-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
    }
}
if MISTO_BASEMAP_URL:
    # The tile server of the setting, any subdomain where the URL rotates them ({s}).
    _tiles = urlsplit(MISTO_BASEMAP_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Debian 12's GDAL (3.6) predates the option that blocks file and network access from
# spatial reference strings (gis.W001). GeoDjango here only handles SRIDs it chose itself;
# uploaded files are read through pyogrio, which bundles its own, newer GDAL.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
if not DEBUG and not SECURE_HSTS_PRELOAD:
    # HSTS preload is off on purpose (leaving the browsers' preload list takes months): the
    # decision is SECURE_HSTS_PRELOAD's, so `check --deploy` need not warn about it.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Citizen requests (citizen_requests/): intake limits, e-mail links, Open311.
# Attachments are kept outside MEDIA_URL and served only through the request's visibility check.
MISTO_REQUEST_FILES_ROOT = Path(
    env.str("MISTO_REQUEST_FILES_ROOT", default=str(MEDIA_ROOT / "private" / "requests"))
)
MISTO_SITE_URL = env.str("MISTO_SITE_URL", default="http://127.0.0.1:8000")  # links in e-mails
MISTO_REQUEST_MAX_FILES = 5
MISTO_REQUEST_MAX_FILE_BYTES = env.int("MISTO_REQUEST_MAX_FILE_BYTES", default=10 * 1024 * 1024)
MISTO_REQUEST_PHOTO_MAX_SIDE = 2560  # pixels; larger photos are scaled down when re-encoded
# The published address of a request: "house" (street and number of the building at its
# point) or "street" (the street only). Never the address the resident typed.
MISTO_PUBLIC_ADDRESS = env.str("MISTO_PUBLIC_ADDRESS", default="house")
if MISTO_PUBLIC_ADDRESS not in ("house", "street"):
    raise ImproperlyConfigured('MISTO_PUBLIC_ADDRESS must be "house" or "street".')
MISTO_REQUEST_CONFIRM_HOURS = 48  # a visitor's confirmation link is valid this long
MISTO_REQUEST_FORM_MIN_SECONDS = env.int("MISTO_REQUEST_FORM_MIN_SECONDS", default=2)  # faster is a bot
# Filings allowed per window (count, seconds): per visitor IP, per account, per visitor e-mail.
MISTO_REQUEST_RATE_LIMITS = {
    "ip": (env.int("MISTO_REQUEST_LIMIT_PER_IP", default=10), 3600),
    "user": (env.int("MISTO_REQUEST_LIMIT_PER_USER", default=20), 3600),
    "email": (5, 3600),
}
# Days that are not working days for deadlines (ISO dates), besides Saturdays and Sundays.
MISTO_PUBLIC_HOLIDAYS = env.list("MISTO_PUBLIC_HOLIDAYS", default=[])
# The request route (issue 8): default term, closing an answered request, reopening it.
MISTO_REQUEST_DEFAULT_DEADLINE_DAYS = env.int("MISTO_REQUEST_DEFAULT_DEADLINE_DAYS", default=15)
MISTO_REQUEST_CLOSE_AFTER_DAYS = env.int("MISTO_REQUEST_CLOSE_AFTER_DAYS", default=10)
MISTO_REQUEST_REOPEN_DAYS = env.int("MISTO_REQUEST_REOPEN_DAYS", default=30)
# SMS: a dotted path to a provider (citizen_requests.sms); the default only writes to the log.
MISTO_SMS_BACKEND = env.str("MISTO_SMS_BACKEND", default="citizen_requests.sms.LoggingSmsBackend")
# City notices (notices/): quiet hours (local hours, start, end) when only emergencies are sent.
MISTO_NOTICE_QUIET_HOURS = tuple(env.list("MISTO_NOTICE_QUIET_HOURS", cast=int, default=[22, 8]))
MISTO_OPEN311_JURISDICTION_ID = env.str("MISTO_OPEN311_JURISDICTION_ID", default="plavni.example")
MISTO_OPEN311_CONTACT = env.str(
    "MISTO_OPEN311_CONTACT", default="Відділ роботи зі зверненнями громадян: zvernennia@plavni.example"
)
# Where people report a vulnerability: /.well-known/security.txt (RFC 9116) names it.
MISTO_SECURITY_CONTACT = env.str("MISTO_SECURITY_CONTACT", default="mailto:security@misto.localhost")
