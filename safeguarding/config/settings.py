"""Settings for every environment, read from environment variables.

``DEPLOYMENT=development`` (the default) runs with no configuration at all: SQLite, a local
outbox and secrets generated under ``var/``. ``DEPLOYMENT=production`` refuses to start
unless every secret and address is given, and turns on the transport-security settings that
``manage.py check --deploy`` expects. There are no other differences between the two.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from safeguarding.config.env import (
    database_from_url,
    email_from_url,
    env_bool,
    env_choice,
    env_date,
    env_email,
    env_int,
    env_int_mapping,
    env_keyring,
    env_list,
    env_required,
    env_str,
    env_url,
    local_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

DEPLOYMENT = env_choice("DEPLOYMENT", "development", {"development", "production"})
PRODUCTION = DEPLOYMENT == "production"
_NEEDED = "DEPLOYMENT=production needs it"

# --- Core -------------------------------------------------------------------------------------

if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY", reason=_NEEDED)
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(f"ALLOWED_HOSTS must be set: {_NEEDED}")
    SITE_URL = env_url("SITE_URL", env_required("SITE_URL", reason=_NEEDED), schemes={"https"})
    DATABASE_URL = env_required("DATABASE_URL", reason=_NEEDED)
    EMAIL_URL: str | None = env_required("EMAIL_URL", reason=_NEEDED)
    AUDIT_HMAC_KEY = env_required("AUDIT_HMAC_KEY", reason=_NEEDED)
    if len(AUDIT_HMAC_KEY) < 32:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY must be at least 32 random characters")
else:
    SECRET_KEY = env_str("SECRET_KEY") or local_secret(VAR_DIR / "secret_key")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes={"http", "https"})
    DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    EMAIL_URL = env_str("EMAIL_URL")
    AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY") or local_secret(VAR_DIR / "audit_hmac_key")

# The audit chain head is copied here daily (safeguarding.audit.anchors): a file on storage
# the database's administrators cannot rewrite, and/or a mailbox outside the platform.
AUDIT_ANCHOR_FILE = env_str(
    "AUDIT_ANCHOR_FILE", "" if PRODUCTION else str(VAR_DIR / "audit-anchors.txt")
)
AUDIT_ANCHOR_EMAIL = env_str("AUDIT_ANCHOR_EMAIL", "")
if PRODUCTION and not (AUDIT_ANCHOR_FILE or AUDIT_ANCHOR_EMAIL):
    # Without a copy of the chain's head outside the database, entries cut off the end of the
    # trail cannot be detected.
    raise ImproperlyConfigured(
        "AUDIT_ANCHOR_FILE or AUDIT_ANCHOR_EMAIL must be set when DEPLOYMENT=production"
    )
# Network addresses in the audit trail are removed after this many days (a daily job); the
# entries themselves are kept, and the chain still verifies.
AUDIT_ADDRESS_DAYS = env_int("AUDIT_ADDRESS_DAYS", 365, minimum=1)

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DEPLOYMENT=production")

# Demo mode allows demo-only conveniences (printing a demo account's TOTP code). It is never
# available in production.
DEMO_MODE = env_bool("DEMO_MODE", default=not PRODUCTION)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("DEMO_MODE must be off when DEPLOYMENT=production")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "safeguarding.inventory",
    "safeguarding.core",
    "safeguarding.audit",
    "safeguarding.accounts",
    "safeguarding.workspaces",
    "safeguarding.privacy",
    "safeguarding.training",
    "safeguarding.newsletter",
    "safeguarding.public",
    "safeguarding.casereviews",
    "safeguarding.cdop",
    "safeguarding.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safeguarding.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "safeguarding.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safeguarding.core.middleware.RequestContextMiddleware",
    # After CSPMiddleware: it widens the CSP for visitors who accepted analytics, and only them.
    "safeguarding.public.consent.CookieConsentMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeguarding.config.urls"
WSGI_APPLICATION = "safeguarding.config.wsgi.application"

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
                "safeguarding.core.context_processors.partnership",
                "safeguarding.public.context_processors.cookie_consent",
                "safeguarding.accounts.context_processors.staff_navigation",
                # After Django's own csrf: a page rendered to be cached gets a placeholder.
                "safeguarding.core.context_processors.csrf_placeholder",
            ],
            # One way of writing dates everywhere (core/dates.py), without {% load %}.
            "builtins": ["safeguarding.core.templatetags.dates"],
        },
    },
]
FORM_RENDERER = "safeguarding.core.forms.GovukFormRenderer"

DATABASES = {"default": database_from_url("DATABASE_URL", DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the public forms' rate-limit counters (safeguarding.core.ratelimit); with
# more than one web process they must share it, so production requires Redis.
REDIS_URL = env_url(
    "REDIS_URL",
    env_required("REDIS_URL", reason=_NEEDED) if PRODUCTION else None,
    schemes={"redis", "rediss"},
)
# The "fragments" cache holds public pages and parts of them that are the same for every
# visitor (safeguarding.core.fragment_cache): anonymous visitors' pages without their nonce and
# CSRF token, course listings, the layout around every page (one per set of staff tools);
# never anything about a visitor. It is apart from "default" so
# that fragments never push the rate-limit counters out. PUBLIC_PAGE_CACHE=false renders every
# public page for each request instead (the course listings stay cached).
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", True)
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "fragments": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fragments",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fragments",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }

# --- Accounts, passwords, MFA, lockout, sessions ---------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "safeguarding.accounts.backends.StaffBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NCSC and ASVS 5.0 (6.2): length and a deny-list, no composition rules, long passphrases allowed.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "safeguarding.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour
# How long an emailed invitation to a new member of staff works (accounts.invitations).
STAFF_INVITATION_VALID_FOR = timedelta(days=7)

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Safeguarding Partnership Platform")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
MFA_RECOVERY_CODE_COUNT = 10

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10, minimum=3)
# Locked out: ten failures for one account from one address, or ten from one address across
# accounts. An account's failures from many addresses only slow it down
# (safeguarding.accounts.throttle), so nobody can lock a colleague out from everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Django's login form calls the email field "username" whatever USERNAME_FIELD says.
AXES_USERNAME_FORM_FIELD = "username"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Our audit trail records every sign-in; axes keeps only the failure counters it needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_CLIENT_IP_CALLABLE = "safeguarding.core.request_context.client_ip"

SESSION_ENGINE = "safeguarding.accounts.sessions"
SESSION_COOKIE_AGE = 30 * 60  # idle limit: every request pushes expiry 30 minutes on
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # P22: a browser-session cookie
SESSION_ABSOLUTE_AGE = timedelta(hours=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers ------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 63072000  # two years
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for the whole host, with no Domain.
    SESSION_COOKIE_NAME = "__Host-session"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [SITE_URL]

# --- Background tasks ------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The worker (manage.py run_worker, safeguarding.core.worker) waits this long for the
# database to come back, retrying with backoff, before it exits for its supervisor to restart
# it; and it runs its checks (a lost campaign's new batch) this often.
TASK_WORKER_MAX_OUTAGE_SECONDS = env_int("TASK_WORKER_MAX_OUTAGE_SECONDS", 300, minimum=1)
TASK_WORKER_CHECK_SECONDS = env_int("TASK_WORKER_CHECK_SECONDS", 5, minimum=1)

# --- Email -----------------------------------------------------------------------------------

if EMAIL_URL:
    vars().update(email_from_url("EMAIL_URL", EMAIL_URL))
else:
    # Local development: every message is written to var/outbox/ for the demo to show.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "NSCP <no-reply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Learning and development ----------------------------------------------------------------

# How long a waiting-list offer stays open (never past the session's booking cut-off).
TRAINING_OFFER_HOURS = env_int("TRAINING_OFFER_HOURS", 48, minimum=1)
# Learners may cancel free of charge until this many working days before the session.
TRAINING_CANCELLATION_WORKING_DAYS = env_int("TRAINING_CANCELLATION_WORKING_DAYS", 3, minimum=0)
# Reminders: calendar days before, then working days before (England bank holidays excluded).
TRAINING_FIRST_REMINDER_DAYS = env_int("TRAINING_FIRST_REMINDER_DAYS", 14, minimum=1)
TRAINING_LAST_REMINDER_WORKING_DAYS = env_int("TRAINING_LAST_REMINDER_WORKING_DAYS", 2, minimum=1)
# The impact evaluation is offered this many weeks after a session.
TRAINING_FOLLOW_UP_WEEKS = env_int("TRAINING_FOLLOW_UP_WEEKS", 6, minimum=1)
# Booking form submissions allowed per client network address per hour (a school or trust
# books many staff from one address, so this is higher than other public forms).
TRAINING_BOOKINGS_PER_CLIENT_HOUR = env_int("TRAINING_BOOKINGS_PER_CLIENT_HOUR", 60, minimum=1)
# The attendance marks that earn a certificate when a session closes (present, late,
# left_early), for example "present,late,left_early" to count partial attendance too.
TRAINING_CERTIFICATE_STATUSES = env_list("TRAINING_CERTIFICATE_STATUSES", ["present"])
# The refreshers report lists certificates expiring within this many days (or expired).
TRAINING_REFRESHER_WARNING_DAYS = env_int("TRAINING_REFRESHER_WARNING_DAYS", 90, minimum=0)
# --- Newsletter (safeguarding.newsletter) -----------------------------------------------------

if PRODUCTION:
    # Keys the hashes kept in the suppression list; changing it would forget every opt-out.
    NEWSLETTER_HMAC_KEY = env_required("NEWSLETTER_HMAC_KEY", reason=_NEEDED)
    if len(NEWSLETTER_HMAC_KEY) < 32:
        raise ImproperlyConfigured("NEWSLETTER_HMAC_KEY must be at least 32 random characters")
    # Shared secret (user:password) the mail provider's bounce webhook authenticates with.
    ANYMAIL_WEBHOOK_SECRET = env_required("ANYMAIL_WEBHOOK_SECRET", reason=_NEEDED)
else:
    NEWSLETTER_HMAC_KEY = env_str("NEWSLETTER_HMAC_KEY") or local_secret(
        VAR_DIR / "newsletter_hmac_key"
    )
    ANYMAIL_WEBHOOK_SECRET = env_str("ANYMAIL_WEBHOOK_SECRET") or "local:" + local_secret(
        VAR_DIR / "anymail_webhook_secret", nbytes=24
    )
ANYMAIL = {"WEBHOOK_SECRET": ANYMAIL_WEBHOOK_SECRET}
# The mail provider whose bounce and complaint webhook is routed, by django-anymail's name for
# it ("postmark", "mailgun", "amazon_ses" ...); empty: no webhook (bounces by mailbox only).
NEWSLETTER_WEBHOOK_PROVIDER = env_str("NEWSLETTER_WEBHOOK_PROVIDER", "")
# Campaign sending: recipients claimed per batch, messages per second per campaign (0: no
# limit), and how long a worker's claim on a batch lasts before another worker may take over
# (renewed with the campaign's heartbeat every NEWSLETTER_HEARTBEAT_SECONDS while it sends; a
# campaign whose heartbeat is NEWSLETTER_STALLED_SECONDS old lost its worker, and the next
# worker check starts a batch that takes over its rows once their claim has run out).
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 200, minimum=1)
NEWSLETTER_RATE_PER_SECOND = env_int("NEWSLETTER_RATE_PER_SECOND", 20, minimum=0)
NEWSLETTER_CLAIM_SECONDS = env_int("NEWSLETTER_CLAIM_SECONDS", 30, minimum=5)
NEWSLETTER_HEARTBEAT_SECONDS = env_int("NEWSLETTER_HEARTBEAT_SECONDS", 5, minimum=1)
NEWSLETTER_STALLED_SECONDS = env_int("NEWSLETTER_STALLED_SECONDS", 30, minimum=5)
# How many batches of one campaign may be queued and sent at once, by as many workers
# (claims never overlap); the rate above is shared between them.
NEWSLETTER_PARALLEL_BATCHES = env_int("NEWSLETTER_PARALLEL_BATCHES", 1, minimum=1)
# How many messages the mail server has accepted may be not yet recorded as sent: a worker
# killed at the wrong moment sends that many again, each with its same Message-ID. 1 (the
# promise) is as fast as the database commits; a few more let a slow commit (PostgreSQL
# flushing to a slow disk) record several messages at once.
NEWSLETTER_UNRECORDED_AT_MOST = env_int("NEWSLETTER_UNRECORDED_AT_MOST", 1, minimum=1)
# PostgreSQL only: the synchronous_commit of the one statement that records accepted messages
# as sent (every other write keeps the server's own). "off" (the default) does not wait for
# the flush to disk: a killed worker still loses no record (the server has it), but a crash
# of the PostgreSQL server or its machine can forget the last fraction of a second's records,
# and those messages go again with their same Message-ID (as SQLite in WAL mode with
# synchronous=NORMAL, the embedded default, forgets its last commits when the machine loses
# power). "on" waits for the flush: at most NEWSLETTER_UNRECORDED_AT_MOST repeated even then,
# at the cost of one flush per record (milliseconds on an ordinary disk).
NEWSLETTER_SENT_SYNCHRONOUS_COMMIT = env_choice(
    "NEWSLETTER_SENT_SYNCHRONOUS_COMMIT",
    "off",
    {"off", "local", "remote_write", "on", "remote_apply"},
)
if not NEWSLETTER_HEARTBEAT_SECONDS * 3 <= NEWSLETTER_CLAIM_SECONDS <= NEWSLETTER_STALLED_SECONDS:
    raise ImproperlyConfigured(
        "NEWSLETTER_CLAIM_SECONDS must be at least three heartbeats "
        "(NEWSLETTER_HEARTBEAT_SECONDS) and at most NEWSLETTER_STALLED_SECONDS"
    )
# A batch that fails (the mail server unreachable or refusing us) is tried again after these
# waits; then the campaign stops, with the problem on its page, until someone resumes it.
NEWSLETTER_RETRY_AFTER_SECONDS = [
    int(wait) for wait in env_list("NEWSLETTER_RETRY_AFTER_SECONDS", ["30", "120", "600"])
]
NEWSLETTER_SOFT_BOUNCE_LIMIT = env_int("NEWSLETTER_SOFT_BOUNCE_LIMIT", 3, minimum=1)
# The mailbox behind the mailto: form of List-Unsubscribe (read by newsletter_mail_unsubscribe).
NEWSLETTER_UNSUBSCRIBE_ADDRESS = env_str(
    "NEWSLETTER_UNSUBSCRIBE_ADDRESS", "newsletter-unsubscribe@example.org"
)
# No open or click tracking, and no setting to turn it on: pixels and rewritten links record
# what each subscriber reads, which the consent they gave does not cover (PECR / UK GDPR).
NEWSLETTER_TRACKING = False

# --- Restricted workspaces (safeguarding.workspaces) ----------------------------------------

# Keys for the encrypted fields and documents of restricted records (core.crypto):
# comma-separated key_id:base64key entries, each 32 random bytes. The first encrypts new
# values; all of them decrypt. To rotate, put a new key first, run `manage.py rotate_keys`,
# and remove the old key only once it reports nothing left on it.
# The lookup key keys the hashes that let members find an exact match (an NHS number, a name)
# without decrypting the table; changing it would make every stored lookup hash unfindable.
if PRODUCTION:
    WORKSPACE_ENCRYPTION_KEYS = env_keyring(
        "WORKSPACE_ENCRYPTION_KEYS", env_required("WORKSPACE_ENCRYPTION_KEYS", reason=_NEEDED)
    )
    WORKSPACE_LOOKUP_KEY = env_required("WORKSPACE_LOOKUP_KEY", reason=_NEEDED)
    if len(WORKSPACE_LOOKUP_KEY) < 32:
        raise ImproperlyConfigured("WORKSPACE_LOOKUP_KEY must be at least 32 random characters")
else:
    WORKSPACE_ENCRYPTION_KEYS = env_keyring(
        "WORKSPACE_ENCRYPTION_KEYS",
        "local:" + local_secret(VAR_DIR / "workspace_encryption_key", nbytes=32),
    )
    WORKSPACE_LOOKUP_KEY = env_str("WORKSPACE_LOOKUP_KEY") or local_secret(
        VAR_DIR / "workspace_lookup_key"
    )
# The largest document a member may upload to a workspace, in bytes (stored encrypted in the
# database, so every backup holds it).
WORKSPACE_DOCUMENT_MAX_BYTES = env_int(
    "WORKSPACE_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024
)
# Recertification of workspace access (issue #14): every WORKSPACE_RECERTIFY_DAYS days after
# access was given or last confirmed, a lead must confirm that each member still needs it (the
# leads are emailed when it falls due); access not confirmed within
# WORKSPACE_RECERTIFY_GRACE_DAYS more lapses by itself (daily job workspaces.lapse_unconfirmed).
# A lead's own access does not lapse.
WORKSPACE_RECERTIFY_DAYS = env_int("WORKSPACE_RECERTIFY_DAYS", 90, minimum=1)
WORKSPACE_RECERTIFY_GRACE_DAYS = env_int("WORKSPACE_RECERTIFY_GRACE_DAYS", 14, minimum=0)

# --- Child death reviews (safeguarding.cdop) ----------------------------------------------

# Timeliness targets, in days from the death to each stage, shown per case. The reference
# material (uk-safeguarding-domain.md 1.2) gives typical, not statutory, figures: a joint
# agency response within 5 days of an unexpected death, the child death review meeting at
# about 3 months, the panel review at 3 to 6 months. CDOP_TARGET_DAYS=stage=days,... changes
# them; the stages are jar, review_meeting, reviewed and closed.
CDOP_TARGET_DAYS = env_int_mapping(
    "CDOP_TARGET_DAYS", {"jar": 5, "review_meeting": 90, "reviewed": 180, "closed": 210}, minimum=1
)
# A reporting form is due this many days after it is asked for; its emailed link works for
# CDOP_REPORTING_LINK_DAYS; reminders go every CDOP_REMINDER_EVERY_DAYS from
# CDOP_REMINDER_BEFORE_DAYS before the due date, at most CDOP_REMINDERS_MAX of them.
CDOP_REPORTING_FORM_DUE_DAYS = env_int("CDOP_REPORTING_FORM_DUE_DAYS", 28, minimum=1)
CDOP_REPORTING_LINK_DAYS = env_int("CDOP_REPORTING_LINK_DAYS", 90, minimum=1)
CDOP_REMINDER_BEFORE_DAYS = env_int("CDOP_REMINDER_BEFORE_DAYS", 3, minimum=0)
CDOP_REMINDER_EVERY_DAYS = env_int("CDOP_REMINDER_EVERY_DAYS", 7, minimum=1)
CDOP_REMINDERS_MAX = env_int("CDOP_REMINDERS_MAX", 4, minimum=0)
# How long a closed case is kept locally (NCMD holds the national copy). No published figure
# exists (uk-safeguarding-domain.md 6): confirm with the council's information governance.
# Each new case is also placed under a legal hold (the IICSA instruction of July 2015 on
# records relevant to child protection) unless CDOP_LEGAL_HOLD_BY_DEFAULT is off; the hold is
# reviewed after CDOP_LEGAL_HOLD_REVIEW_DAYS and released only by two people.
CDOP_RETENTION_DAYS = env_int("CDOP_RETENTION_DAYS", 365 * 10, minimum=365)
CDOP_LEGAL_HOLD_BY_DEFAULT = env_bool("CDOP_LEGAL_HOLD_BY_DEFAULT", default=True)
CDOP_LEGAL_HOLD_AUTHORITY = env_str(
    "CDOP_LEGAL_HOLD_AUTHORITY",
    "IICSA instruction to local authorities, July 2015: keep records relevant to child "
    "protection until further notice",
)
CDOP_LEGAL_HOLD_REVIEW_DAYS = env_int("CDOP_LEGAL_HOLD_REVIEW_DAYS", 365 * 5, minimum=30)
# The annual report's year starts on the first day of this month (4: April to March).
CDOP_REPORT_YEAR_START_MONTH = env_int("CDOP_REPORT_YEAR_START_MONTH", 4, minimum=1)
if CDOP_REPORT_YEAR_START_MONTH > 12:
    raise ImproperlyConfigured("CDOP_REPORT_YEAR_START_MONTH must be a month, 1 to 12")
# The online notification form: submissions per client address an hour.
CDOP_NOTIFICATIONS_PER_CLIENT_HOUR = env_int("CDOP_NOTIFICATIONS_PER_CLIENT_HOUR", 10, minimum=1)

# --- Retention (safeguarding.privacy.retention.engine) ---------------------------------------

# The shortest period each retention rule may be given, in days, even with a second person's
# approval; RETENTION_MINIMUM_DAYS=rule=days,... replaces or adds to these. The reference
# material (reference/uk-safeguarding-domain.md, sections 4 and 6) gives no published figure
# for either record type, so both are the conservative choice of their current default:
# - disclosure: six years, the limitation period for a claim about a disclosure (Limitation
#   Act 1980, sections 2 and 5), which is the rule's own stated reason;
# - rights_request: two years, as the privacy notice tells requesters; an answer may take
#   three months (ICO right-of-access guidance, one month plus two), and the file must outlive
#   a complaint to the ICO and let a repeated request be recognised (UK GDPR Article 12(5)).
RETENTION_MINIMUM_DAYS = env_int_mapping(
    "RETENTION_MINIMUM_DAYS", {"disclosure": 365 * 6, "rights_request": 365 * 2}, minimum=1
)

# The access export is delivered by an emailed link to a download page that asks for the
# requester's email address again: it works for this many days, and for this many downloads
# (each confirmation of the address gives one), then the requester asks us for a new one.
ACCESS_EXPORT_LINK_DAYS = env_int("ACCESS_EXPORT_LINK_DAYS", 30, minimum=1)
ACCESS_EXPORT_DOWNLOADS = env_int("ACCESS_EXPORT_DOWNLOADS", 3, minimum=1)

# --- The partnership -------------------------------------------------------------------------

PARTNERSHIP = {
    "name": env_str("PARTNERSHIP_NAME", "Norfolk Safeguarding Children Partnership"),
    "short_name": env_str("PARTNERSHIP_SHORT_NAME", "NSCP"),
    "controller": env_str("PARTNERSHIP_CONTROLLER", "Norfolk County Council"),
    "contact_email": env_str("PARTNERSHIP_CONTACT_EMAIL", "nscp@example.org"),
    "controller_dpo_email": env_str("CONTROLLER_DPO_EMAIL", "dataprotection@example.org"),
    "address": env_str("PARTNERSHIP_ADDRESS", ""),
    # P14: what the notice tells staff of statutory organisations.
    "statutory_organisations": env_str(
        "PARTNERSHIP_STATUTORY_ORGANISATIONS_TEXT",
        "Statutory organisations have their own policies for data protection and processing. "
        "If you work for one, contact your own safeguarding lead.",
    ),
    # P15: the answer given to Freedom of Information requests.
    "foi_statement": env_str(
        "PARTNERSHIP_FOI_STATEMENT",
        "The safeguarding partnership is not subject to Freedom of Information requests. "
        "To ask for information held by the council that hosts us, make your request to it.",
    ),
}

# --- The public site (safeguarding.public) ---------------------------------------------------

# Google Analytics 4 measurement ID ("G-..."); empty means no analytics at all: no banner, no
# analytics category. With an ID, analytics runs only for visitors who accept it (P20).
GOOGLE_ANALYTICS_ID = env_str("GOOGLE_ANALYTICS_ID", "") or ""
if GOOGLE_ANALYTICS_ID and not re.fullmatch(r"G-[A-Z0-9]{4,16}", GOOGLE_ANALYTICS_ID):
    raise ImproperlyConfigured("GOOGLE_ANALYTICS_ID must look like G-XXXXXXXXXX")
# Where the contact form's messages go.
BUSINESS_UNIT_INBOX = env_email(
    "BUSINESS_UNIT_INBOX", str(PARTNERSHIP["contact_email"] or "nscp@example.org")
)
# Where the contact form sends people who want to make a Freedom of Information request (P15).
FOI_REQUEST_URL = env_url("FOI_REQUEST_URL", None, schemes={"https", "http"})
# The accessibility statement (the format UK public sector bodies publish).
ACCESSIBILITY = {
    "compliance": env_choice("ACCESSIBILITY_COMPLIANCE", "partial", {"full", "partial", "none"}),
    "prepared": env_date("ACCESSIBILITY_STATEMENT_PREPARED", date(2026, 11, 29)),
    "reviewed": env_date("ACCESSIBILITY_STATEMENT_REVIEWED", date(2026, 11, 29)),
    "last_tested": env_date("ACCESSIBILITY_LAST_TESTED", date(2026, 11, 29)),
    "tested_by": env_str(
        "ACCESSIBILITY_TESTED_BY",
        "the partnership's developers, with automated axe-core checks of every page in a "
        "browser on every change, and manual keyboard-only checks",
    ),
    "contact_email": env_email(
        "ACCESSIBILITY_CONTACT_EMAIL", str(PARTNERSHIP["contact_email"] or "nscp@example.org")
    ),
    "contact_phone": env_str("ACCESSIBILITY_CONTACT_PHONE", ""),
    "response_days": env_int("ACCESSIBILITY_RESPONSE_DAYS", 10, minimum=1),
}

# --- Internationalisation, static files, logging ---------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic gathers files here for production; locally WhiteNoise serves from the finders.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "safeguarding" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes logs the address typed at each failed attempt: personal data stays out of logs
        # (the audit trail records failures by account id instead).
        "axes": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
    },
}
