"""The Celery application: queues `ocr` (long, CPU-bound) and `default`, JSON payloads only."""

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings.base")

app = Celery("aktenfluss")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_default_queue="default",
    task_queues=(
        Queue("default", Exchange("default"), routing_key="default"),
        Queue("ocr", Exchange("ocr"), routing_key="ocr"),
    ),
    task_routes={"ocr.*": {"queue": "ocr"}},
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)
app.autodiscover_tasks()
