"""Per-user iCalendar feed of inbox deadlines behind a secret URL (calendar programs cannot
log in). The token is an HMAC of the user id and password hash, like Django's password reset
tokens: no table, and changing the password revokes the old URL."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

from .inbox import InboxEntry

_SALT = "aktenfluss.workflows.ical"


def feed_token(user) -> str:
    digest = salted_hmac(_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()
    return f"{user.pk}-{digest[:40]}"


def user_for_token(token: str):
    """The active user the token belongs to, or None."""
    user_id, _sep, _digest = token.partition("-")
    if not user_id.isdigit():
        return None
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    if user is None or not constant_time_compare(feed_token(user), token):
        return None
    return user


def calendar_ics(entries: list[InboxEntry], *, base_url: str, now: dt.datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Aktenfluss//Fristen//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Aktenfluss – Fristen")
    for entry in entries:
        if entry.deadline is None:
            continue
        event = Event()
        event.add("uid", f"{entry.uid}@aktenfluss")
        event.add("dtstamp", now)
        event.add("dtstart", entry.deadline)
        event.add("dtend", entry.deadline + dt.timedelta(days=1))
        event.add("summary", f"{entry.deadline_label}: {entry.reference} – {entry.title}")
        event.add("description", f"{entry.kind_label}: {entry.subject}")
        event.add("url", base_url + entry.url)
        calendar.add_component(event)
    return calendar.to_ical()
