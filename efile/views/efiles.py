"""Pages of the e-file core. Each view asks `efile.permissions` and calls one service."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from .. import selectors, services
from ..filters import EFileFilter
from ..forms import (
    DocumentUploadForm,
    EFileCreateForm,
    EFileTitleForm,
    ResubmissionForm,
    TransitionForm,
    VersionUploadForm,
)
from ..models import Document, DocumentVersion, EFile
from ..permissions import Action, efile_audit_can, efile_can, org_units_for_new_efiles
from ..search import document_search
from .downloads import blob_response


class PermissionPage(LoginRequiredMixin):
    """Login first (redirect), then the model permission (403) of a page without object."""

    permission_required = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission_required):
            raise PermissionDenied(_("Sie haben keine Berechtigung für diese Seite."))
        return super().dispatch(request, *args, **kwargs)


def _efile_or_404(request, pk: int) -> EFile:
    try:
        return selectors.efile_get(user=request.user, pk=pk)
    except EFile.DoesNotExist as exc:
        raise Http404(_("Akte nicht gefunden.")) from exc


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _report_form_errors(request, form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def _detail_url(efile: EFile) -> str:
    return reverse("efile:efiles:detail", args=[efile.pk])


class EFileListView(PermissionPage, TemplateView):
    permission_required = "efile.view_efile"
    template_name = "efile/efile_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = selectors.efile_list(user=self.request.user)
        efile_filter = EFileFilter(self.request.GET or None, queryset=queryset)
        paginator = Paginator(efile_filter.qs.order_by("-opened_at", "-id"), 25)
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        text_query = self.request.GET.get("volltext", "").strip()
        context.update(
            text_query=text_query,
            hits=document_search(user=self.request.user, query=text_query) if text_query else [],
            filter=efile_filter,
            page_obj=page,
            query_string=query.urlencode(),
            can_create=org_units_for_new_efiles(self.request.user).exists(),
        )
        return context


class EFileCreateView(LoginRequiredMixin, FormView):
    template_name = "efile/efile_form.html"
    form_class = EFileCreateForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not org_units_for_new_efiles(request.user).exists():
            raise PermissionDenied(_("Sie dürfen keine Akten anlegen."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "org_units": org_units_for_new_efiles(self.request.user),
        }

    def form_valid(self, form):
        try:
            efile = services.efile_open(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _error_text(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Akte %(ref)s angelegt.") % {"ref": efile.reference})
        return HttpResponseRedirect(_detail_url(efile))


class EFileDetailView(LoginRequiredMixin, TemplateView):
    template_name = "efile/efile_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        efile = _efile_or_404(self.request, kwargs["pk"])
        user = self.request.user
        can_download = efile_can(user, Action.DOWNLOAD, efile)
        documents = Paginator(selectors.efile_documents(efile=efile), 20).get_page(
            self.request.GET.get("page")
        )
        context.update(
            efile=efile,
            documents=documents,
            can_download=can_download,
            can_upload=efile_can(user, Action.UPLOAD, efile),
            can_edit=efile_can(user, Action.UPLOAD, efile),
            can_close=efile_can(user, Action.CLOSE, efile),
            can_reopen=efile_can(user, Action.REOPEN, efile),
            can_resubmit=efile_can(user, Action.RESUBMIT, efile),
            upload_form=kwargs.get("upload_form") or DocumentUploadForm(),
            version_form=VersionUploadForm(),
            resubmission_form=kwargs.get("resubmission_form") or ResubmissionForm(),
            resubmissions=selectors.efile_resubmissions(efile=efile),
            audit_events=(
                selectors.efile_audit_events(efile=efile) if efile_audit_can(user, efile) else []
            ),
        )
        return context


class DocumentUploadView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        efile = _efile_or_404(request, pk)
        if not efile_can(request.user, Action.UPLOAD, efile):
            raise PermissionDenied(_("Sie dürfen in dieser Akte keine Dokumente ablegen."))
        form = DocumentUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            _report_form_errors(request, form)
            return HttpResponseRedirect(_detail_url(efile))
        upload = form.cleaned_data["file"]
        try:
            document = services.document_receive(
                actor=request.user,
                efile=efile,
                stream=upload,
                filename=upload.name,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                received_on=form.cleaned_data["received_on"],
                sender=form.cleaned_data["sender"],
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request, _("Dokument „%(title)s“ abgelegt.") % {"title": document.title}
            )
        return HttpResponseRedirect(_detail_url(efile))


class VersionUploadView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        try:
            document = selectors.document_get(user=request.user, pk=pk)
        except Document.DoesNotExist as exc:
            raise Http404(_("Dokument nicht gefunden.")) from exc
        if not efile_can(request.user, Action.UPLOAD, document.efile):
            raise PermissionDenied(_("Sie dürfen in dieser Akte keine Dokumente ablegen."))
        form = VersionUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            _report_form_errors(request, form)
            return HttpResponseRedirect(_detail_url(document.efile))
        upload = form.cleaned_data["file"]
        try:
            version = services.document_version_add(
                actor=request.user, document=document, stream=upload, filename=upload.name
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Version %(number)s von „%(title)s“ abgelegt.")
                % {"number": version.number, "title": document.title},
            )
        return HttpResponseRedirect(_detail_url(document.efile))


class VersionDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        try:
            version = selectors.document_version_get(user=request.user, pk=pk)
        except DocumentVersion.DoesNotExist as exc:
            raise Http404(_("Dokument nicht gefunden.")) from exc
        if not efile_can(request.user, Action.DOWNLOAD, version.document.efile):
            raise PermissionDenied(_("Sie dürfen den Inhalt dieser Akte nicht lesen."))
        return blob_response(
            blob=version.blob,
            filename=version.filename,
            mime_type=version.mime_type,
            inline=request.GET.get("inline") == "1",
        )


class EFileUpdateView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        efile = _efile_or_404(request, pk)
        form = EFileTitleForm(request.POST)
        if not form.is_valid():
            _report_form_errors(request, form)
            return HttpResponseRedirect(_detail_url(efile))
        try:
            services.efile_update(actor=request.user, efile=efile, title=form.cleaned_data["title"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Betreff geändert."))
        return HttpResponseRedirect(_detail_url(efile))


class EFileTransitionView(LoginRequiredMixin, View):
    transition: str = ""

    def post(self, request, pk: int):
        efile = _efile_or_404(request, pk)
        form = TransitionForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.efile_transition(
                actor=request.user, efile=efile, transition=self.transition, reason=reason
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            done = {
                "close": _("Akte %(ref)s geschlossen."),
                "reopen": _("Akte %(ref)s wieder geöffnet."),
            }
            messages.success(request, done[self.transition] % {"ref": efile.reference})
        return HttpResponseRedirect(_detail_url(efile))


class ResubmissionCreateView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        efile = _efile_or_404(request, pk)
        form = ResubmissionForm(request.POST)
        if not form.is_valid():
            _report_form_errors(request, form)
            return HttpResponseRedirect(_detail_url(efile))
        org_unit = efile.org_unit if form.cleaned_data["for_org_unit"] else None
        try:
            services.resubmission_create(
                actor=request.user,
                efile=efile,
                due_on=form.cleaned_data["due_on"],
                note=form.cleaned_data["note"],
                user=None if org_unit else request.user,
                org_unit=org_unit,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Wiedervorlage gespeichert."))
        return HttpResponseRedirect(_detail_url(efile))


class ResubmissionDueView(PermissionPage, TemplateView):
    permission_required = "efile.view_resubmission"
    template_name = "efile/resubmission_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        due = selectors.resubmissions_due(user=self.request.user)
        context.update(
            page_obj=Paginator(due, 25).get_page(self.request.GET.get("page")),
            today=timezone.localdate(),
        )
        return context


class ResubmissionCompleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        resubmission = get_object_or_404(
            selectors.resubmissions_due(user=request.user, on=dt.date.max), pk=pk
        )
        services.resubmission_complete(actor=request.user, resubmission=resubmission)
        messages.success(request, _("Wiedervorlage erledigt."))
        return HttpResponseRedirect(reverse("efile:resubmissions:index"))


class FilingPlanView(PermissionPage, TemplateView):
    permission_required = "efile.view_filingplanitem"
    template_name = "efile/filing_plan.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "items": selectors.filing_plan_tree()}


class StartView(LoginRequiredMixin, TemplateView):
    """The landing page: what is due today and the files last worked on, for every role."""

    template_name = "efile/start.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        can_see_files = user.has_perm("efile.view_efile")
        context.update(
            can_see_files=can_see_files,
            due=selectors.resubmissions_due(user=user)[:10] if can_see_files else [],
            recent=selectors.efile_list(user=user).order_by("-opened_at", "-id")[:10]
            if can_see_files
            else [],
        )
        return context
