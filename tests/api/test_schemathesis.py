"""Schemathesis against the live OpenAPI schema: every operation of `/api/v1/` is called with
generated requests through the WSGI app, authenticated by token as a clerk who also works in
accounting. No answer may be a server error, every answer's status must be documented and its
body must match the documented schema.

Each operation runs with valid and with invalid generated data; operations on one object run
once more against objects that exist and that the user may see, so that the successful
answers are checked too and not only the 404s of random ids.
"""

import io
from dataclasses import dataclass

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from efile import services
from efile.roles import Role
from invoicing.services import invoice_receive
from tests.factories import OrgUnitFactory, UserFactory, document_create, efile_create
from tests.invoicing import CORPUS

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
MAX_EXAMPLES = 12
INVOICE = CORPUS / "xrechnung-testsuite/src/test/business-cases/standard/01.01a-INVOICE_ubl.xml"


def _wsgi_app_keeping_the_connection():
    """The WSGI app as schemathesis calls it, but without Django's `close_old_connections`
    around the request (as Django's own test client does): closing the connection would end
    the test's transaction on PostgreSQL. The response is read and closed inside."""
    application = get_wsgi_application()

    def app(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = application(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return app


@dataclass(frozen=True)
class Data:
    token: str
    ids: dict[str, int]  # first path segment → id of an object the user may see


@pytest.fixture
def data(db, plan_item) -> Data:
    unit = OrgUnitFactory(code="bauamt", name="Bauamt")
    other = OrgUnitFactory(code="umwelt", name="Umwelt")
    user = UserFactory(username="schemathesis", role=Role.CLERK, org_units=[unit])
    user.groups.add(*UserFactory(username="kreditoren", role=Role.ACCOUNTING).groups.all())
    files = []
    for n, department in enumerate([unit, other, unit]):
        efile = efile_create(org_unit=department, plan_item=plan_item, title=f"Akte {n}")
        document = document_create(efile=efile, content=f"%PDF-1.4 Inhalt {n}".encode())
        version = services.document_version_add(
            actor=None,
            document=document,
            stream=io.BytesIO(f"%PDF-1.4 Fassung 2 {n}".encode()),
            filename="fassung.pdf",
        )
        files.append((efile, document, version))
    services.efile_close(actor=None, efile=files[2][0])
    party, _created = services.party_register(
        actor=None, name="Müller Bau GmbH", iban="DE89370400440532013000", email="info@m.example"
    )
    services.party_register(actor=None, name="Erika Meier", postcode="6010")
    efile, document, version = files[0]
    ids = {"efiles": efile.pk, "documents": document.pk, "versions": version.pk}
    ids["parties"] = party.pk
    if INVOICE.is_file():
        invoice, _created = invoice_receive(
            actor=None, org_unit=unit, stream=io.BytesIO(INVOICE.read_bytes()), filename="re.xml"
        )
        ids["invoices"] = invoice.pk
    return Data(token=Token.objects.create(user=user).key, ids=ids)


def _run(
    operation, mode: GenerationMode, token: str, path_parameters: dict | None, headers: dict | None
) -> None:
    strategy = operation.as_strategy(
        generation_mode=mode, path_parameters=path_parameters, headers=headers
    )

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

    run()


def _current_etag(client, path: str, data: Data) -> str:
    response = client.get(path, headers={"authorization": f"Token {data.token}"})
    assert response.status_code == 200
    return response["ETag"]


def _rounds(operation, data: Data, client):
    """(mode, fixed path parameters, fixed headers) for each run of the operation."""
    rounds = [(mode, None, None) for mode in MODES]
    segment = operation.path.removeprefix("/api/v1/").split("/")[0]
    if "{id}" in operation.path and "{document_pk}" not in operation.path and segment in data.ids:
        pk = data.ids[segment]
        rounds.append((GenerationMode.POSITIVE, {"id": pk}, None))
        if operation.method.upper() in ("PUT", "PATCH"):
            path = operation.path.replace("{id}", str(pk))
            etag = _current_etag(client, path, data)
            rounds.append((GenerationMode.POSITIVE, {"id": pk}, {"If-Match": etag}))
    return rounds


def test_every_operation_conforms_to_the_live_schema(client, data):
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", _wsgi_app_keeping_the_connection()
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    failures = []
    for operation in operations:
        for mode, path_parameters, headers in _rounds(operation, data, client):
            try:
                _run(operation, mode, data.token, path_parameters, headers)
            except Unsatisfiable:
                # Nothing to make invalid: the operation takes no parameters and no body.
                assert mode == GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as error:
                given = f"{mode.value}, {path_parameters}, {headers}"
                failures.append(f"{operation.label} [{given}]: {error}")
    assert not failures, "\n\n".join(failures)
