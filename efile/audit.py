"""The hash-chained audit trail: append events, describe changes, verify the chain."""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _plain(value: Any) -> Any:
    """A JSON-safe, stable representation of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of `instance` as plain JSON values, for diffing before/after a change."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = _plain(getattr(instance, field.attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as `{field: [old, new]}`; new objects diff against an empty dict."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def event_hash(
    *,
    previous_hash: str,
    timestamp: dt.datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict,
) -> str:
    payload = json.dumps(
        [
            previous_hash,
            timestamp.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_name,
            action,
            object_type,
            object_id,
            object_repr,
            changes,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return event_hash(
        previous_hash=event.previous_hash,
        timestamp=event.timestamp,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=event.object_repr,
        changes=event.changes,
    )


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_hash": GENESIS_HASH, "length": 0}
    )
    # Round-trip through JSON so the hash is computed over exactly what the database returns.
    changes = json.loads(json.dumps(changes or {}, default=_plain))
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    event = AuditEvent(
        # Microsecond precision survives every backend, so verification re-hashes exactly.
        timestamp=timezone.now(),
        actor_id=actor_id,
        actor_name=actor.get_username() if actor_id else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes,
        previous_hash=head.last_hash,
    )
    event.hash = _hash_of(event)
    event.save()
    head.last_hash = event.hash
    head.length += 1
    head.save(update_fields=["last_hash", "length"])
    return event


@dataclass(frozen=True)
class ChainBreak:
    event_id: int | None
    reason: str


def audit_chain_breaks() -> Iterator[ChainBreak]:
    """Walk the chain in order and yield where it does not hold; empty when intact."""
    previous = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.previous_hash != previous:
            yield ChainBreak(
                event.id,
                "previous hash does not match: an event before it is missing or was changed",
            )
        if _hash_of(event) != event.hash:
            yield ChainBreak(event.id, "content does not match its hash: the event was changed")
        previous = event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None:
        if count:
            yield ChainBreak(None, "chain head is missing")
        return
    if head.length != count or head.last_hash != previous:
        yield ChainBreak(
            None,
            f"chain head expects {head.length} events ending in {head.last_hash[:12]}, "
            f"found {count} ending in {previous[:12]}: trailing events were removed",
        )
