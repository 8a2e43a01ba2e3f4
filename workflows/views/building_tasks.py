"""The human tasks of the building application flow. Each shows the application, checks the
form's shape, calls one service (which checks the permission again) and completes the task
in the same transaction."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from ..building.checklist import checklist_for, completeness_check
from ..building.decision import conditions_from_statements, decision_draft, decision_sign_off
from ..building.nachforderung import open_nachforderung, overdue_decide
from ..building.statements import statement_candidates, statement_give, statements_request
from ..forms import (
    CompletenessForm,
    DraftForm,
    FachstellenForm,
    OverdueForm,
    SignOffForm,
    StatementForm,
)
from ..models import BuildingStatus, StatementRequest
from .building import application_context


class BuildingTaskView(FormView):
    template_name = "workflows/building_task.html"
    heading = ""
    hint = ""
    done_message = ""

    def dispatch(self, request, *args, **kwargs):
        self.application = request.activation.process.application
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **application_context(self.request.user, self.application),
            "task": self.request.activation.task,
            "heading": self.heading,
        }

    def perform(self, form) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
            return self.form_invalid(form)
        self.request.activation.execute()
        if self.done_message:
            messages.success(self.request, self.done_message)
        return HttpResponseRedirect(
            reverse("building:applications:detail", args=[self.application.pk])
        )


class CompletenessTaskView(BuildingTaskView):
    heading = _("Vollständigkeit prüfen")
    hint = _(
        "Haken Sie die Unterlagen ab, die vorliegen. Alles ohne Haken wird mit Frist "
        "nachgefordert; sind alle da, geht der Antrag zur Beteiligung der Fachstellen."
    )
    form_class = CompletenessForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "items": checklist_for(self.application.project_kind)}

    def perform(self, form):
        nachforderung = completeness_check(
            actor=self.request.user,
            application=self.application,
            present=form.present(),
            other_missing=form.cleaned_data["other_missing"],
            note=form.cleaned_data["note"],
            deadline=form.cleaned_data["deadline"],
        )
        self.done_message = (
            _("Unterlagen nachgefordert, Frist bis %(deadline)s.")
            % {"deadline": f"{nachforderung.deadline:%d.%m.%Y}"}
            if nachforderung
            else _("Der Antrag ist vollständig.")
        )


class OverdueTaskView(BuildingTaskView):
    heading = _("Frist der Nachforderung abgelaufen")
    form_class = OverdueForm

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "nachforderung": open_nachforderung(self.application),
            "late_documents": self.application.status == BuildingStatus.RECEIVED,
        }

    def perform(self, form):
        action = form.cleaned_data["action"]
        overdue_decide(
            actor=self.request.user,
            application=self.application,
            action=action,
            deadline=form.cleaned_data["deadline"],
            reasons=form.cleaned_data["reasons"],
        )
        self.done_message = {
            OverdueForm.CHECK: _("Die nachgereichten Unterlagen werden geprüft."),
            OverdueForm.EXTEND: _("Die Frist wurde verlängert."),
            OverdueForm.REJECT: _("Der Antrag wurde als unvollständig zurückgewiesen."),
        }[action]


class FachstellenTaskView(BuildingTaskView):
    heading = _("Fachstellen beteiligen")
    form_class = FachstellenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidates": statement_candidates(self.application)}

    def perform(self, form):
        requests = statements_request(
            actor=self.request.user,
            application=self.application,
            org_units=list(form.cleaned_data["org_units"]),
            deadline=form.cleaned_data["deadline"],
        )
        self.done_message = (
            _("%(count)s Fachstellen um Stellungnahme gebeten.") % {"count": len(requests)}
            if requests
            else _("Ohne Beteiligung weiter zur Entscheidung.")
        )


class StatementTaskView(BuildingTaskView):
    heading = _("Stellungnahme abgeben")
    form_class = StatementForm
    done_message = _("Die Stellungnahme wurde abgegeben und in die Akte gelegt.")

    def dispatch(self, request, *args, **kwargs):
        self.statement = StatementRequest.objects.select_related("org_unit").get(
            pk=request.activation.task.data["statement"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "statement": self.statement}

    def perform(self, form):
        statement_give(
            actor=self.request.user,
            request=self.statement,
            text=form.cleaned_data["text"],
            conditions=form.cleaned_data["conditions"],
            upload=form.cleaned_data["document"],
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302:
            return HttpResponseRedirect(reverse("building:statements:index"))
        return response


class DraftTaskView(BuildingTaskView):
    heading = _("Entscheidung entwerfen")
    form_class = DraftForm
    done_message = _("Der Entwurf liegt zur Zeichnung vor.")

    def get_initial(self):
        application = self.application
        return {
            "decision": application.decision,
            "conditions": application.conditions or conditions_from_statements(application),
            "reasons": application.reasons,
        }

    def perform(self, form):
        decision_draft(actor=self.request.user, application=self.application, **form.cleaned_data)


class SignOffTaskView(BuildingTaskView):
    heading = _("Bescheid zeichnen")
    hint = _(
        "Mit der Zeichnung wird der Bescheid erstellt, in die Akte gelegt und den "
        "Antragstellern zugestellt; danach wird die Akte geschlossen."
    )
    form_class = SignOffForm

    def perform(self, form):
        approve = form.cleaned_data["action"] == SignOffForm.SIGN
        decision_sign_off(
            actor=self.request.user,
            application=self.application,
            approve=approve,
            remark=form.cleaned_data["remark"],
        )
        self.done_message = (
            _("Gezeichnet. Der Bescheid wurde erstellt und versandt.")
            if approve
            else _("Der Entwurf wurde zur Überarbeitung zurückgegeben.")
        )
