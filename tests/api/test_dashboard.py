"""The dashboard in headless Chromium: sign in, today's action, the chart draws data points.

Needs Debian's ``chromium`` and ``chromium-driver`` (``make browser``); skips without them.
Saves ``artifacts/dashboard.png``.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.api.builders import (
    checkins_csv,
    daily_csv,
    sessions_csv,
    upload,
)
from tests.api.conftest import PINNED_NOW, Server

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1200,1800",
)

pytestmark = pytest.mark.browser


def _driver():  # type: ignore[no-untyped-def]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("chromium and chromedriver are not installed (run `make browser`)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    for flag in FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def test_dashboard_signs_in_and_draws(sqlite_server: Server, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    a = sqlite_server.athlete("browser")
    end = a.today() - timedelta(days=1)
    with sqlite_server.client(a.key) as c:
        for name, data in (
            ("d.csv", daily_csv(end, days=80)),
            ("s.csv", sessions_csv(end, days=80)),
            ("c.csv", checkins_csv(end)),
        ):
            assert upload(c, data, name).status_code == 201

    driver = _driver()
    try:
        driver.get(sqlite_server.url + "/")
        assert "Not medical advice" in driver.find_element(By.ID, "disclaimer").text
        wait = WebDriverWait(driver, 30)
        key_input = wait.until(ec.visibility_of_element_located((By.ID, "key")))
        key_input.send_keys(a.key)
        driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()
        wait.until(lambda d: d.find_element(By.ID, "today-action").text.strip() != "")
        action = driver.find_element(By.ID, "today-action")
        assert action.get_attribute("data-action")
        assert a.key not in driver.current_url
        assert not driver.find_element(By.ID, "demo-clock").is_displayed()  # the real clock
        assert driver.execute_script("return sessionStorage.getItem('readiness.key')") == a.key
        wait.until(
            lambda d: int(d.find_element(By.ID, "chart-hrv").get_attribute("data-points")) > 0
        )
        wait.until(
            lambda d: int(d.find_element(By.ID, "chart-scores").get_attribute("data-points")) > 0
        )
        canvases = driver.find_elements(By.CSS_SELECTOR, "#chart-hrv canvas, #chart-scores canvas")
        assert len(canvases) == 2
        # the chart really painted: some canvas pixels are not blank
        painted = driver.execute_script(
            "const c = document.querySelector('#chart-hrv canvas');"
            "const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            "let n = 0; for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++; return n;"
        )
        assert painted > 500
        assert driver.find_element(By.ID, "score-stress").text
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "dashboard.png"))

        # upload through the form: progress, counts and the upload's warnings
        extra = tmp_path / "extra.csv"
        extra.write_bytes(b"date,steps,mystery\n" + f"{end},9000,1\n".encode())
        driver.find_element(By.ID, "upload-file").send_keys(str(extra))
        driver.find_element(By.CSS_SELECTOR, "#upload-form button").click()
        wait.until(lambda d: "1 day," in d.find_element(By.ID, "upload-status").text)
        assert "mystery" in driver.find_element(By.ID, "upload-warnings").text

        # a painful check-in through the form changes today's call
        Select(driver.find_element(By.NAME, "pain")).select_by_value("5")
        driver.find_element(By.NAME, "pain_site").send_keys("left knee")
        driver.find_element(By.CSS_SELECTOR, "#checkin-form button").click()
        wait.until(
            lambda d: (
                d.find_element(By.ID, "today-action").get_attribute("data-action")
                == "physiotherapy_assessment"
            )
        )
        assert driver.find_element(By.ID, "today-action").text == "See a physiotherapist"

        # "did it help?"
        driver.find_element(By.CSS_SELECTOR, "#feedback-form button").click()
        wait.until(lambda d: "Thanks" in d.find_element(By.ID, "feedback-status").text)
        driver.save_screenshot(str(ARTIFACTS / "dashboard-after-checkin.png"))
        # no script errors and no Content-Security-Policy violations on the way
        severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
    finally:
        driver.quit()


def test_dashboard_without_data_and_with_a_bad_key(sqlite_server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a = sqlite_server.athlete("empty")
    driver = _driver()
    try:
        driver.get(sqlite_server.url + "/")
        wait = WebDriverWait(driver, 30)
        driver.find_element(By.ID, "key").send_keys("rdy_wrong")
        driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()
        wait.until(lambda d: "not valid" in d.find_element(By.ID, "signin-error").text)
        assert driver.execute_script("return sessionStorage.getItem('readiness.key')") is None
        driver.find_element(By.ID, "key").send_keys(a.key)
        driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()
        wait.until(lambda d: d.find_element(By.ID, "today-empty").is_displayed())
        wait.until(lambda d: d.find_element(By.ID, "chart-empty").is_displayed())
        assert not driver.find_element(By.ID, "today-body").is_displayed()
    finally:
        driver.quit()


def test_dashboard_notes_a_pinned_clock(pinned_server: Server) -> None:
    """With READINESS_NOW (the demo), today is the pinned day and a small note says so."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    day = PINNED_NOW[:10]
    a = pinned_server.athlete("browser pinned")
    with pinned_server.client(a.key) as c:
        assert upload(c, daily_csv(date.fromisoformat(day), days=30), "d.csv").status_code == 201
    driver = _driver()
    try:
        driver.get(pinned_server.url + "/")
        wait = WebDriverWait(driver, 30)
        driver.find_element(By.ID, "key").send_keys(a.key)
        driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()
        wait.until(lambda d: d.find_element(By.ID, "today-date").text == day)
        note = driver.find_element(By.ID, "demo-clock")
        assert note.is_displayed() and note.text == f"demo clock: {day}"
        assert (
            driver.find_element(By.CSS_SELECTOR, "#checkin-form [name=date]").get_attribute("value")
            == day
        )
        severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
    finally:
        driver.quit()


def test_docs_render_from_this_service_only(sqlite_server: Server) -> None:
    """Swagger UI renders the API from vendored files: every resource comes from the service."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _driver()
    try:
        driver.get(sqlite_server.url + "/docs")
        wait = WebDriverWait(driver, 30)
        wait.until(lambda d: "readiness" in d.find_element(By.CSS_SELECTOR, ".info .title").text)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) > 10)
        loaded = driver.execute_script(
            "return performance.getEntriesByType('resource').map((e) => e.name);"
        )
        assert any(u.endswith("/vendor/swagger-ui/swagger-ui-bundle.js") for u in loaded)
        assert any(u.endswith("/openapi.json") for u in loaded)
        assert [u for u in loaded if not u.startswith(sqlite_server.url + "/")] == []
        severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
    finally:
        driver.quit()
