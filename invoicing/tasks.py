"""Celery tasks of the invoice approval; thin, the services do the work."""

from celery import shared_task

from .approval.deadlines import escalate


@shared_task(name="invoicing.escalate_deadlines")
def escalate_deadlines() -> dict[str, int]:
    """Remind and escalate open approval tasks before their Skonto or due date (idempotent:
    each invoice reaches each level once)."""
    return escalate()
