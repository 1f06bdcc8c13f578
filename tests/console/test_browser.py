"""The console in Debian's Chromium (Selenium, /usr/bin/chromium and /usr/bin/chromedriver; nothing downloaded).

Sign-in goes through the fake Microsoft login (tests/fakes/entra_signin.py) over the msal auth-code flow,
exactly as with Entra ID. Each page is screenshotted into the test output (CONSOLE_SCREENSHOTS, else
pytest's temporary folder) and checked with axe-core: no serious or critical violations.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.app import make_http_server, make_wsgi_app
from bot.console.auth import EntraSettings, EntraSignIn
from bot.console.options import ConsoleOptions
from bot.console.web import create_console
from bot.models import Action, Agency, Event, ProgressUpdate, Review
from tests.console.conftest import NEW_YEAR, NOW, plan_partnership, seed
from tests.console.test_desk_pages import RIV9, add_meeting_and_an_answered_chaser
from tests.factories import Plan
from tests.fakes.microsoft import FakeMicrosoft
from tests.plans.plan_files import HEADER, write_csv

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="needs Debian's chromium and chromium-driver (.ci/run installs them)"),
]

webdriver = pytest.importorskip("selenium.webdriver")
By = pytest.importorskip("selenium.webdriver.common.by").By
expected = pytest.importorskip("selenium.webdriver.support.expected_conditions")
WebDriverWait = pytest.importorskip("selenium.webdriver.support.wait").WebDriverWait
WebDriverException = pytest.importorskip("selenium.common.exceptions").WebDriverException
SAVE = "button.govuk-button[type=submit]:not(.govuk-button--secondary)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400",
                     "--ignore-certificate-errors"):  # the fake Microsoft login has a throwaway CA
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tmp_path_factory.mktemp("console-screens"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Live:
    base: str
    plan: Plan
    engine: Engine
    reading_id: int
    fake: FakeMicrosoft
    driver: Any
    screens: Path
    backend: str

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def sign_in(self, email: str) -> None:
        self.open("/reviews")  # not signed in: the console sends the browser to Microsoft
        assert "Sign in to your account" in self.driver.title, self.driver.page_source
        self.driver.find_element(By.ID, "login").send_keys(email)
        self.click_and_wait(By.ID, "next")

    def check_page(self, name: str) -> None:
        """Screenshot it, and fail on any serious or critical accessibility violation axe-core finds."""
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        (self.screens / f"{name}-{self.backend}.png").write_bytes(base64.b64decode(shot["data"]))
        self.driver.execute_script(AXE.read_text())
        violations = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));")
        assert isinstance(violations, list), violations
        bad = [{"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
               for v in violations if v["impact"] in ("serious", "critical")]
        assert not bad, f"{name}: {json.dumps(bad, indent=1)}"

    def status_of(self, path: str) -> int:
        return int(self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => done(r.status));", path))

    def click_and_wait(self, by: str, selector: str) -> None:
        """Click, and wait for the next page to replace this one (a click does not wait for a form's answer)."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(by, selector).click()
        # While the old page is torn down chromedriver may answer "Node ... does not belong to the document" (a plain
        # WebDriverException) instead of a stale element: that too means the page is going, so poll again.
        WebDriverWait(self.driver, 15, ignored_exceptions=(WebDriverException,)).until(expected.staleness_of(page))

    def heading(self) -> str:
        return str(self.driver.find_element(By.TAG_NAME, "h1").text)


@pytest.fixture
def live(engine: Engine, browser: Any, screens: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Live]:
    assert AXE.exists(), "run `make` first: axe-core comes from npm (package.json)"
    plan, reading_id = seed(engine)
    with FakeMicrosoft() as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake.ca_path)  # msal (requests) trusts the fake's CA
        for name, email in (("Morgan Blake", "morgan.blake@riverside.example.gov.uk"),
                            ("Priya Shah", "priya.shah@police.example.org"), ("Nobody Known", "stranger@example.org")):
            fake.sign_in.add_user(email, name)
        entra = EntraSignIn(EntraSettings(fake.tenant_id, fake.client_id, fake.client_secret, fake.authority_url))
        console = create_console(engine, ConsoleOptions(plan_partnership(engine), entra=entra, clock=lambda: NOW))
        server = make_http_server(make_wsgi_app(engine, None, console=console), "127.0.0.1", 0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.port}"
        fake.sign_in.redirect_uris.add(f"{base}/signed-in")
        browser.delete_all_cookies()
        try:
            yield Live(base, plan, engine, reading_id, fake, browser, screens, engine.dialect.name)
        finally:
            browser.delete_all_cookies()
            server.stop(thread)


def test_coordinator_signs_in_with_microsoft_and_accepts_a_reading(live: Live) -> None:
    live.sign_in("morgan.blake@riverside.example.gov.uk")
    assert live.heading() == "Reviews"
    assert "Signed in as Morgan Blake" in live.driver.page_source
    live.check_page("reviews")
    live.click_and_wait(By.LINK_TEXT, "Review queue")
    live.check_page("queue")
    live.click_and_wait(By.ID, f"accept-{live.reading_id}")
    assert "Reading for RIV3-2-1 accepted" in live.driver.page_source
    with Session(live.engine) as session:
        update = session.get(ProgressUpdate, live.reading_id)
        action = session.get(Action, live.plan.actions["RIV3-2-1"])
        assert update is not None and update.confirmed
        assert action is not None and action.due == NEW_YEAR
        confirmed = session.exec(select(Event).where(Event.kind == "update.confirmed")).one()
        assert confirmed.actor == f"contact:{live.plan.contacts['Morgan Blake']}"


def test_coordinator_edits_an_action_from_the_plan(live: Live) -> None:
    live.sign_in("morgan.blake@riverside.example.gov.uk")
    live.open("/reviews/RIV3")
    live.check_page("plan")
    live.click_and_wait(By.LINK_TEXT, "RIV3-1-2")
    live.check_page("action")
    live.click_and_wait(By.CSS_SELECTOR, SAVE)
    assert "There is a problem" in live.driver.page_source  # no note given
    live.check_page("action-error")
    live.driver.find_element(By.ID, "status").send_keys("Blocked")
    day = live.driver.find_element(By.ID, "due-day")
    day.clear()
    day.send_keys("31")
    month = live.driver.find_element(By.ID, "due-month")
    month.clear()
    month.send_keys("3")
    live.driver.find_element(By.ID, "note").send_keys("Waiting on the new policy")
    live.click_and_wait(By.CSS_SELECTOR, SAVE)
    assert "Action updated" in live.driver.page_source
    live.check_page("action-saved")
    with Session(live.engine) as session:
        action = session.get(Action, live.plan.actions["RIV3-1-2"])
        assert action is not None and action.status == "blocked" and action.due is not None
        assert (action.due.day, action.due.month) == (31, 3)
        edited = session.exec(select(Event).where(Event.kind == "action.edited")).one()
        assert edited.actor == f"contact:{live.plan.contacts['Morgan Blake']}"


def test_a_lead_cannot_open_another_agencys_action(live: Live) -> None:
    live.sign_in("priya.shah@police.example.org")
    assert live.heading() == "Reviews"
    own, other = live.plan.actions["RIV3-1-1"], live.plan.actions["RIV3-2-1"]
    assert live.status_of(f"/actions/{own}") == 200
    assert live.status_of(f"/actions/{other}") == 403
    live.open(f"/actions/{other}")
    assert live.heading() == "You cannot open this page"
    live.check_page("forbidden")


def test_a_form_without_the_csrf_token_is_refused(live: Live) -> None:
    live.sign_in("morgan.blake@riverside.example.gov.uk")
    action_id = live.plan.actions["RIV3-1-1"]
    live.open(f"/actions/{action_id}")
    live.driver.execute_script("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    live.driver.find_element(By.ID, "note").send_keys("Closing it")
    live.driver.find_element(By.ID, "status").send_keys("Complete")
    live.click_and_wait(By.CSS_SELECTOR, SAVE)
    assert live.heading() == "Your request was refused"
    with Session(live.engine) as session:
        action = session.get(Action, action_id)
        assert action is not None and action.status == "in_progress"


def test_someone_not_in_the_contacts_is_turned_away_after_signing_in(live: Live) -> None:
    live.sign_in("stranger@example.org")
    assert live.heading() == "You cannot open this page"
    live.open("/reviews")
    assert "Sign in to your account" in live.driver.title  # no session was made


def test_coordinator_uploads_a_plan_checks_it_and_stores_it(live: Live, tmp_path: Path) -> None:
    plan_file = write_csv(tmp_path / "riv9-plan.csv", RIV9, HEADER)
    live.sign_in("morgan.blake@riverside.example.gov.uk")
    live.click_and_wait(By.LINK_TEXT, "Import")
    live.check_page("import")
    crafted = tmp_path / "crafted.xlsx"
    crafted.write_bytes(b"PK\x03\x04 not really a workbook")
    live.driver.find_element(By.ID, "plan").send_keys(str(crafted))
    live.driver.find_element(By.ID, "review").send_keys("RIV9")
    live.click_and_wait(By.ID, "upload")
    assert "crafted.xlsx: not a readable .xlsx file (BadZipFile)" in live.driver.page_source
    live.check_page("import-error")
    live.driver.find_element(By.ID, "review").clear()
    live.driver.find_element(By.ID, "plan").send_keys(str(plan_file))
    live.driver.find_element(By.ID, "review").send_keys("RIV9")
    live.click_and_wait(By.ID, "upload")
    assert live.heading() == "Check the RIV9 plan before storing it"
    assert "“Riverside Police Service” looks like “Riverside Police”" in live.driver.page_source
    live.check_page("import-preview")
    with Session(live.engine) as session:
        assert session.exec(select(Review).where(Review.code == "RIV9")).first() is None
    live.click_and_wait(By.ID, "confirm")
    assert "Created review RIV9: 4 actions added" in live.driver.page_source
    live.check_page("import-stored")
    live.click_and_wait(By.LINK_TEXT, "Open the RIV9 plan")
    assert live.heading() == "RIV9 action plan"
    assert [cell.text for cell in live.driver.find_elements(By.CSS_SELECTOR, "td.app-nowrap")] == [
        "RIV9-1-1", "RIV9-2-1", "RIV9-3-1", "RIV9-4-1"]
    with Session(live.engine) as session:
        imported = session.exec(select(Event).where(Event.kind == "review.imported")).one()
        assert imported.actor == f"contact:{live.plan.contacts['Morgan Blake']}"


def test_board_page_shows_the_digest_with_its_chart(live: Live) -> None:
    add_meeting_and_an_answered_chaser(live.engine, live.plan)
    live.sign_in("morgan.blake@riverside.example.gov.uk")
    live.click_and_wait(By.LINK_TEXT, "Board")
    assert live.heading() == "Riverside Safer Communities Board: DHR action digest"
    chart = live.driver.find_element(By.ID, "chart")
    assert live.driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", chart) > 100
    assert live.status_of("/board/report.docx") == 200
    live.check_page("board")


def test_coordinator_renames_an_agency_and_changes_a_contact(live: Live) -> None:
    police = live.plan.agencies["Riverside Police"]
    live.sign_in("morgan.blake@riverside.example.gov.uk")
    live.click_and_wait(By.LINK_TEXT, "Agencies")
    live.check_page("agencies")
    live.click_and_wait(By.CSS_SELECTOR, f'a[href="/agencies/{police}"]')
    live.check_page("agency")
    name = live.driver.find_element(By.ID, "name")
    name.clear()
    name.send_keys("Riverside Constabulary")
    live.click_and_wait(By.ID, "rename")
    assert "Renamed Riverside Police to Riverside Constabulary" in live.driver.page_source
    live.click_and_wait(By.CSS_SELECTOR, f'a[href="/contacts/{live.plan.contacts["Priya Shah"]}"]')
    live.check_page("contact")
    slack = live.driver.find_element(By.ID, "slack_user_id")
    slack.clear()
    slack.send_keys("not a slack id")
    live.click_and_wait(By.ID, "save")
    assert "There is a problem" in live.driver.page_source
    live.check_page("contact-error")
    with Session(live.engine) as session:
        agency = session.get(Agency, police)
        assert agency is not None and agency.name == "Riverside Constabulary" and "Riverside Police" in agency.aliases
        renamed = session.exec(select(Event).where(Event.kind == "agency.renamed")).one()
        assert renamed.actor == f"contact:{live.plan.contacts['Morgan Blake']}"
