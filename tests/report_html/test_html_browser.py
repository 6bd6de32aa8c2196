"""The HTML report in a real browser: headless Chromium driven by Selenium.

Skips, with the reason, where Chromium, its driver or Selenium is missing; .ci/run
installs all three so CI always runs these.  Screenshots go to
``$NETRULES_SCREENSHOT_DIR`` (default: the test's temporary folder) for review.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="pip install selenium")

from html_support import hostile_network  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from netrules.html_report import render_html  # noqa: E402

CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def browser():
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    # The report must work with scripts off; nothing on the page needs them.
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2}
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    # Every request leaving the file is blocked, and attempts are still logged.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]}
    )
    yield driver
    driver.quit()


def shots() -> Path | None:
    folder = os.environ.get("NETRULES_SCREENSHOT_DIR")
    return Path(folder) if folder else None


def screenshot(browser, folder: Path, name: str, width: int) -> bool:
    """The whole page, not only the first screen (the window grows to the page's height)."""
    folder.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(int(height) + 100, 16_000))
    try:
        return browser.save_screenshot(str(folder / name))
    finally:
        browser.set_window_size(width, 900)


def open_report(browser, html: str, path: Path, width: int):
    path.write_text(html, encoding="utf-8")
    browser.get_log("browser")
    browser.get_log("performance")
    browser.set_window_size(width, 900)
    browser.get(path.as_uri())
    console = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    requests = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    return console, [u for u in requests if u != path.as_uri()]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_demo_in_browser(browser, demo, pack, tmp_path, width):
    network, report = demo
    html = render_html(report, network, pack)
    console, requests = open_report(browser, html, tmp_path / "report.html", width)
    assert console == []
    assert requests == []
    for chart in ("growth", "monthly", "invitations", "companies", "recency"):
        figure = browser.find_element(By.CSS_SELECTOR, f'figure[data-chart="{chart}"]')
        assert figure.find_element(By.CSS_SELECTOR, ".takeaway").text.strip()
        assert figure.find_elements(By.CSS_SELECTOR, "svg")
        assert figure.find_elements(By.CSS_SELECTOR, "table")
        box = figure.find_element(By.CSS_SELECTOR, "svg").rect
        assert 0 < box["width"] <= width
    shown = browser.find_element(By.CSS_SELECTOR, "[data-findings-count]").text
    assert int(shown) == len(report.to_dict()["findings"])
    # usable: nothing wider than the window
    scroll, inner = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll <= inner
    assert screenshot(browser, shots() or tmp_path, f"report-{width}.png", width)


HOSTILE = {
    "markup": '"><img src=x onerror=alert(1)><script>alert(2)</script>',
    "script": "<script>document.title='pwned'</script>",
    "attribute": '"><img src=x onerror="document.title=1">',
    "rtl": "\u202eevil\u202c \u200fright-to-left",
    "long": "C" * 10_000,
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_names_in_browser(browser, pack, tmp_path, text):
    network = hostile_network(text, text)
    report = pack.evaluate(network)
    console, requests = open_report(
        browser, render_html(report, network, pack), tmp_path / "h.html", 390
    )
    assert console == [] and requests == []
    assert browser.find_elements(By.CSS_SELECTOR, "main img, main script") == []
    assert browser.title.startswith("netrules report for ")  # no script retitled it
    heading = browser.find_element(By.TAG_NAME, "h1").text
    if text.startswith("\u202e"):
        assert "\\u202eevil\\u202c" in heading  # the override is shown, not obeyed
    else:
        assert text in heading
    # the 10,000-character company still leaves the page no wider than the phone
    scroll, inner = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll <= inner


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_redacted_page_in_browser(browser, pack, tmp_path, width):
    from test_html_redact import MEMBER, secrets_network

    import netrules
    from netrules.redact import Redactor

    network = netrules.load_network(secrets_network())
    plain = pack.evaluate(network)
    html = Redactor(network).report(plain).to_html()
    console, requests = open_report(browser, html, tmp_path / "redacted.html", width)
    assert console == [] and requests == []
    assert MEMBER not in browser.page_source
    for chart in ("growth", "monthly", "invitations", "companies", "recency"):
        figure = browser.find_element(By.CSS_SELECTOR, f'figure[data-chart="{chart}"]')
        assert figure.find_element(By.CSS_SELECTOR, ".takeaway").text.strip()
        assert figure.find_elements(By.CSS_SELECTOR, "table")
    shown = browser.find_element(By.CSS_SELECTOR, "[data-findings-count]").text
    assert int(shown) == len(plain.to_dict()["findings"])
    scroll, inner = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll <= inner
    assert screenshot(browser, shots() or tmp_path, f"redacted-{width}.png", width)
