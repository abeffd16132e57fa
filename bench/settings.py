"""Settings for benchmarks: the real settings plus a bare view to compare against."""

import warnings

from config.settings import *  # noqa: F403

# collectstatic has not run for a benchmark; static files are not what is measured.
warnings.filterwarnings("ignore", message="No directory at")

ROOT_URLCONF = "bench.urls"
# Benchmarks run over plain HTTP on loopback.
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
