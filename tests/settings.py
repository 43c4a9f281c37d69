"""The project's settings for the test suite: the same in every way that a test can observe,
except that passwords and security answers are hashed with a fast hasher. Argon2 is built to
be slow, and hashing in factories was most of the suite's CPU time; the one test that checks
production hashes with Argon2 sets the production hashers itself
(tests/accounts/test_passwords.py), and processes that tests start use the real settings."""

from safeguarding.config.settings import *  # noqa: F403
from safeguarding.config.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",  # fast, for tests only
    *PRODUCTION_PASSWORD_HASHERS,
]

# The bounce webhook tests post as Postmark would.
NEWSLETTER_WEBHOOK_PROVIDER = "postmark"

# Fixed keys for the workspaces' encrypted fields and lookup hashes, so a test run never
# depends on (or writes) the developer's var/ secrets. Tests that rotate override them.
WORKSPACE_ENCRYPTION_KEYS = ["test1:dGVzdC1rZXktb25lLWZvci13b3Jrc3BhY2VzLTMyYiE="]
WORKSPACE_LOOKUP_KEY = "test-lookup-key-for-workspaces-0123456789"
WORKSPACE_DOCUMENT_MAX_BYTES = 64 * 1024
