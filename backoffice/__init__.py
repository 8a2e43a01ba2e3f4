"""Aktenfluss back office: settings, URLs, Celery app and command-line tools."""

from .celery import app as celery_app

__all__ = ["celery_app"]
