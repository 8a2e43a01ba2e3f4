"""Meine Aufgaben: the unified inbox, the deadline calendar and the iCalendar feed."""

import calendar
import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..ical import calendar_ics, feed_token, user_for_token
from ..inbox import inbox_entries, task_claim, task_unclaim, visible_task

KINDS = [
    ("", _("Alle")),
    ("intake", _("Posteingang")),
    ("invoice", _("Rechnungen")),
    ("building", _("Bauanträge")),
    ("resubmission", _("Wiedervorlagen")),
]


class InboxView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/inbox.html"

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("art", "")
        entries = inbox_entries(self.request.user, kind=kind)
        today = timezone.localdate()
        return {
            **super().get_context_data(**kwargs),
            "mine": [e for e in entries if e.mine],
            "queue": [e for e in entries if not e.mine],
            "kinds": KINDS,
            "kind": kind,
            "today": today,
            "feed_url": self.request.build_absolute_uri(
                reverse("tasks:inbox:ical", args=[feed_token(self.request.user)])
            ),
        }

    def post(self, request):
        try:
            task = visible_task(request.user, int(request.POST.get("task", "0")))
            if "unclaim" in request.POST:
                task_unclaim(user=request.user, task=task)
                messages.info(request, _("Die Aufgabe liegt wieder im Gruppenkorb."))
            else:
                task_claim(user=request.user, task=task)
                messages.success(request, _("Sie haben die Aufgabe übernommen."))
        except (PermissionDenied, ValueError) as error:
            messages.error(request, str(error) or _("Aktion nicht möglich."))
        return HttpResponseRedirect(request.get_full_path())


class DeadlineCalendarView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/deadline_calendar.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("jahr", today.year))
            month = int(self.request.GET.get("monat", today.month))
            first = dt.date(year, month, 1)
        except ValueError as exc:
            raise Http404(_("Ungültiger Monat.")) from exc
        by_day = defaultdict(list)
        for entry in inbox_entries(self.request.user):
            if entry.deadline and (entry.deadline.year, entry.deadline.month) == (year, month):
                by_day[entry.deadline].append(entry)
        weeks = [
            [(day, by_day.get(day, [])) for day in week]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        ]
        previous = first - dt.timedelta(days=1)
        following = first + dt.timedelta(days=32)
        return {
            **super().get_context_data(**kwargs),
            "weeks": weeks,
            "weekdays": [_("Mo"), _("Di"), _("Mi"), _("Do"), _("Fr"), _("Sa"), _("So")],
            "month": first,
            "today": today,
            "previous": previous,
            "following": following.replace(day=1),
        }


class DeadlineFeedView(View):
    """No login: the token in the URL identifies the user (see `workflows.ical`)."""

    def get(self, request, token: str):
        user = user_for_token(token)
        if user is None:
            raise Http404
        body = calendar_ics(
            inbox_entries(user),
            base_url=request.build_absolute_uri("/").rstrip("/"),
            now=timezone.now(),
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="aktenfluss-fristen.ics"'
        return response
