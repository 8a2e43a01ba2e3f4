"""Two Fachstellen hand in their statements at the same moment (PostgreSQL, real
transactions): the join proceeds exactly once, no statement is lost. The flow's
select-for-update lock serialises the two task completions; the services' row locks (the
application row, the audit chain head) would serialise them as well."""

import threading

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client, TestCase

from efile.roles import ROLE_PERMISSIONS
from workflows.models import BuildingApplication, BuildingStatus, StatementStatus

from .building_support import (
    FLOW,
    ask_fachstellen,
    logged_in,
    open_task,
    submit,
    take,
    tasks_of,
)


@pytest.fixture
def role_groups(transactional_db):
    """Transactional tests flush the tables, including the groups the data migration made."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_statements_join_exactly_once(role_groups, people, checklist, fachstellen):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs a PostgreSQL server (DATABASE_URL=postgres://...)")
    application = BuildingApplication.objects.get(pk=submit(people["applicant"]).json()["id"])
    drafter = logged_in(Client, people["drafter"])
    ask_fachstellen(
        drafter, application, checklist, [fachstellen["feuerwehr"], fachstellen["umweltamt"]]
    )
    giving = []
    for key, code in (("fire", "feuerwehr"), ("environment", "umweltamt")):
        client = logged_in(Client, people[key])
        url = take(client, application, FLOW.give_statement, org_unit=fachstellen[code].pk)
        giving.append((client, url))

    barrier = threading.Barrier(len(giving))
    results, errors = [], []

    def give(client, url):
        try:
            barrier.wait(timeout=30)
            with TestCase.captureOnCommitCallbacks(execute=True):
                results.append(client.post(url, {"text": "Keine Bedenken."}).status_code)
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=give, args=pair) for pair in giving]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert results == [302, 302]

    application.refresh_from_db()
    assert application.status == BuildingStatus.DECISION
    assert set(application.statements.values_list("status", flat=True)) == {StatementStatus.GIVEN}
    names = [name for name, _status in tasks_of(application)]
    assert names.count("join_statements") == 1
    assert names.count("draft_decision") == 1
    assert open_task(application, FLOW.draft_decision) is not None
