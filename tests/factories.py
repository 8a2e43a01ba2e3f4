"""factory_boy factories; e-files are opened through the service so they get real
Aktenzeichen and audit events."""

import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from efile import services
from efile.models import DisposalAction, FilingPlanItem, OrgUnit
from efile.roles import Role

PASSWORD = "Test-Passwort-2026"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"amt-{n}")
    name = factory.Sequence(lambda n: f"Amt {n}")
    municipality = "Stadt Musterstadt"


class FilingPlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FilingPlanItem
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{600 + n}.20")
    title = factory.Sequence(lambda n: f"Aktenplanposition {n}")
    retention_years = 10
    disposal_action = DisposalAction.EVALUATE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Erika"
    last_name = "Muster"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def role(obj, create, extracted: Role | None, **kwargs):
        if extracted is not None:
            obj.groups.add(Group.objects.get(name=Role(extracted).value))

    @factory.post_generation
    def org_units(obj, create, extracted, **kwargs):
        for unit in extracted or ():
            unit.members.add(obj)


def efile_create(
    *, org_unit: OrgUnit, plan_item: FilingPlanItem | None = None, title: str = "Testakte", **kwargs
):
    return services.efile_open(
        actor=None,
        plan_item=plan_item or FilingPlanItemFactory(),
        org_unit=org_unit,
        title=title,
        **kwargs,
    )


def document_create(
    *, efile, content: bytes = b"%PDF-1.4 test", filename: str = "brief.pdf", **kwargs
):
    return services.document_receive(
        actor=None, efile=efile, stream=io.BytesIO(content), filename=filename, **kwargs
    )


class ResubmissionFactory(factory.django.DjangoModelFactory):
    """A Wiedervorlage written directly, for dates the service refuses (overdue ones).

    Pass `efile`, `due_on` and `user` or `org_unit`.
    """

    class Meta:
        model = "efile.Resubmission"

    note = "Wiedervorlage prüfen"
    created_by = factory.SubFactory(UserFactory)
