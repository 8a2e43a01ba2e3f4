"""A clerk's day in a real browser: log in, open an own e-file, upload a document, and be
refused another department's file. Drives Debian's chromium through Playwright."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from backoffice.demo.minipdf import text_pdf
from backoffice.management.commands.demo_data import DEFAULT_PASSWORD
from efile.models import EFile

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser_page(monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright runs an event loop in this thread; the live server's ORM calls are fine.
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.mark.browser
def test_clerk_uploads_into_own_file_and_is_refused_a_foreign_one(
    live_server, transactional_db, settings, browser_page, tmp_path
):
    # The live server speaks plain http, so the session and CSRF cookies may not be Secure.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    with override_settings(DEBUG=True):
        call_command("demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    own = EFile.objects.filter(org_unit__code="kriens-einwohner", status="open").first()
    foreign = EFile.objects.filter(org_unit__code="kriens-bauamt").first()
    page = browser_page

    page.goto(f"{live_server.url}/efile/efiles/")
    assert "/accounts/login/" in page.url
    assert page.title() == "Anmelden – Aktenfluss"
    page.screenshot(path=tmp_path / "login.png")
    page.fill("#id_username", "sachbearbeitung")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/efile/efiles/$"))

    assert page.title() == "E-Akten – Aktenfluss"
    page.screenshot(path=tmp_path / "list.png", full_page=True)
    table = page.locator("table.af-table")
    assert table.get_by_text(own.reference).is_visible()
    assert table.get_by_text(foreign.reference).count() == 0

    table.get_by_role("link", name=own.reference).click()
    page.wait_for_url(re.compile(rf"/efile/efiles/{own.pk}/$"))
    assert page.get_by_role("heading", name=re.compile(re.escape(own.reference))).is_visible()

    pdf = tmp_path / "Nachweis Wohnsitz.pdf"
    pdf.write_bytes(text_pdf(["Stadt Kriens", "Nachweis des Wohnsitzes"]))
    form = page.locator("#upload-form")
    form.locator("input[type=file]").set_input_files(pdf)
    form.locator("input[name=title]").fill("Wohnsitznachweis Browsertest")
    form.locator("select[name=kind]").select_option("letter")
    form.get_by_role("button", name="Hochladen").click()
    page.wait_for_load_state()

    assert (
        page.get_by_role("status")
        .get_by_text("Dokument „Wohnsitznachweis Browsertest“ abgelegt.")
        .is_visible()
    )
    documents = page.locator("#documents")
    assert documents.get_by_text("Wohnsitznachweis Browsertest").is_visible()
    assert documents.get_by_text("v1: Nachweis Wohnsitz.pdf").is_visible()
    assert own.documents.filter(title="Wohnsitznachweis Browsertest").exists()

    page.screenshot(path=tmp_path / "detail.png", full_page=True)

    response = page.goto(f"{live_server.url}/efile/efiles/{foreign.pk}/")
    assert response.status == 404
    assert page.get_by_text("Seite nicht gefunden").first.is_visible()
    assert foreign.title not in page.content()
    page.screenshot(path=tmp_path / "refused.png", full_page=True)
    print(f"screenshots: {tmp_path}")
