"""Filters of the e-file list (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .forms import DateInput
from .models import EFile, EFileStatus, OrgUnit


class EFileFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suche (Aktenzeichen oder Betreff)"), method="search")
    org_unit = django_filters.ModelChoiceFilter(
        label=_("Organisationseinheit"), queryset=OrgUnit.objects.order_by("name")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EFileStatus.choices)
    plan_code = django_filters.CharFilter(
        label=_("Aktenplan (Kennzeichen beginnt mit)"),
        field_name="plan_item__code",
        lookup_expr="startswith",
    )
    opened_from = django_filters.DateFilter(
        label=_("Angelegt ab"), field_name="opened_at", lookup_expr="date__gte", widget=DateInput
    )
    opened_to = django_filters.DateFilter(
        label=_("Angelegt bis"), field_name="opened_at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = EFile
        fields = ["q", "org_unit", "status", "plan_code", "opened_from", "opened_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))
