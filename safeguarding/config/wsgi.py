import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")

application = get_wsgi_application()

# gunicorn (no --preload) imports this module in each worker: each freezes its own start-up
# objects so that garbage collections during requests skip them (safeguarding/core/startup.py).
from safeguarding.core.startup import finish_start_up  # noqa: E402

finish_start_up()
