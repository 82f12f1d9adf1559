"""The HTML report in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
driven by selenium): the page loads from a file with no network, the matrix is there, a failing
cell opens its failure (clause text, shrunk calls, interleaving, replay command), an n/a cell
gives its reason, and a ``<script>`` in an exception message does not run.

CI installs the browser (``.ci/run``), so there the test never skips; elsewhere it skips only
when the browser or selenium is missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from execspec.reports import htmlpage
from execspec.reports.document import document

from reports._runs import INJECTED, failing_run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
IN_CI = bool(os.environ.get("CI"))

if not IN_CI and (CHROMIUM is None or DRIVER is None):
    pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium "
                "chromium-driver); CI installs them", allow_module_level=True)
if not IN_CI:
    pytest.importorskip("selenium", reason="selenium comes with the 'test' extra")

from selenium import webdriver  # noqa: E402 - after the skip: CI must fail here if it is missing
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402

pytestmark = pytest.mark.timeout(90)


def click(driver: WebDriver, element: WebElement) -> None:
    """A real click, with the element scrolled to the middle of the window first (at the top
    it would sit under the matrix's sticky header, as it would for a person)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    assert CHROMIUM is not None and DRIVER is not None, "CI must install chromium and chromium-driver"
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--no-first-run", "--disable-extensions"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver, tmp_path: Path) -> WebDriver:
    path = tmp_path / "report.html"
    path.write_text(htmlpage.render(document(failing_run())), encoding="utf-8")
    browser.get(path.as_uri())
    return browser


def test_the_page_loads_with_the_matrix(page: WebDriver) -> None:
    assert page.title == "execspec conformance report"
    matrix = page.find_element(By.ID, "matrix")
    heads = [th.text for th in matrix.find_elements(By.CSS_SELECTOR, "thead th")]
    assert heads == ["clause", "mine:make_pool", "stdlib"]
    areas = [th.text for th in matrix.find_elements(By.CSS_SELECTOR, "th.area")]
    assert areas == ["future", "wait", "exceptions"]
    row = matrix.find_element(By.XPATH, ".//tr[td[@class='clause' and text()='FUT-CB-ONCE']]")
    assert [td.text for td in row.find_elements(By.TAG_NAME, "td")] == ["FUT-CB-ONCE", "FAIL", "pass"]
    scores = [td.text for td in matrix.find_elements(By.CSS_SELECTOR, "tr.score td")]
    assert scores == ["2/4", "2/3"]
    link = matrix.find_element(By.CSS_SELECTOR, "td.diverges a[href^='https://']")
    assert (link.text, link.get_attribute("href")) == ("gh-92001", "https://github.com/python/cpython/issues/92001")


def test_a_failing_cell_opens_its_failure(page: WebDriver) -> None:
    panel = page.find_element(By.ID, htmlpage.panel_id(0, "FUT-DONE"))
    assert panel.get_attribute("open") is None and not panel.find_element(By.CSS_SELECTOR, "pre.replay").is_displayed()
    row = page.find_element(By.XPATH, "//tr[td[@class='clause' and text()='FUT-DONE']]")
    click(page, row.find_element(By.CSS_SELECTOR, "td.fail a"))
    assert panel.get_attribute("open") is not None
    replay = panel.find_element(By.CSS_SELECTOR, "pre.replay")
    assert replay.is_displayed() and replay.text == "execspec replay execspec-schedules/done-pct-seed7-3.json"
    assert "queue.get" in panel.find_element(By.CSS_SELECTOR, "pre.interleaving").text
    assert "done" in panel.find_element(By.TAG_NAME, "blockquote").text.lower()  # the clause's text
    # The machine's failure: its shrunk calls and seeds.
    click(page, page.find_element(By.XPATH, "//tr[td[@class='clause' and text()='FUT-CB-ONCE']]//td[@class='fail']/a"))
    machine = page.find_element(By.ID, htmlpage.panel_id(0, "FUT-CB-ONCE"))
    assert "fs[0].add_done_callback(lambda f: None)" in machine.find_element(By.CSS_SELECTOR, "pre.snippet").text
    assert "11, 22, 33" in machine.text


def test_a_link_to_a_failure_opens_it(page: WebDriver) -> None:
    # A report shared as .../report.html#t1-WAIT-CANCELLED-COUNTS opens at that cell's failure.
    panel_id = htmlpage.panel_id(1, "WAIT-CANCELLED-COUNTS")
    page.get(page.current_url.split("#")[0] + "#" + panel_id)
    panel = page.find_element(By.ID, panel_id)
    assert panel.get_attribute("open") is not None and "wait blocked" in panel.text


def test_an_na_cell_gives_its_reason_on_hover_and_on_click(page: WebDriver) -> None:
    cell = page.find_element(By.CSS_SELECTOR, "td.na")
    assert cell.get_attribute("title") == "no check of it applies to Python 3.9"
    click(page, cell.find_element(By.TAG_NAME, "summary"))
    assert "no check of it applies to Python 3.9" in cell.text


def test_an_injected_script_in_an_exception_message_does_not_run(page: WebDriver, tmp_path: Path) -> None:
    assert page.execute_script("return typeof window.pwned") == "undefined"
    assert page.title == "execspec conformance report"
    click(page, page.find_element(By.XPATH, "//tr[td[@class='clause' and text()='FUT-DONE']]//td[@class='fail']/a"))
    panel = page.find_element(By.ID, htmlpage.panel_id(0, "FUT-DONE"))
    assert INJECTED in panel.find_element(By.CSS_SELECTOR, "p.violation").text, "shown as text"
    assert panel.find_elements(By.TAG_NAME, "img") == [] and panel.find_elements(By.TAG_NAME, "script") == []
    assert len(page.find_elements(By.TAG_NAME, "script")) == 1  # the page's own
    assert page.execute_script("return typeof window.pwned") == "undefined"
    page.save_screenshot(str(tmp_path / "report.png"))
    if os.environ.get("REPORT_SCREENSHOT"):  # for a person to look at: where to write it
        page.save_screenshot(os.environ["REPORT_SCREENSHOT"])
