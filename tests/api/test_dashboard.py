"""The dashboard in headless Chromium: sign in, the day card explains itself (contributors,
meanings), the history strip of the last 90 calls opens a past day, the charts follow the window,
the check-in form is pre-filled, uploads are listed and deleted, export and account deletion;
390 × 844 without sideways scrolling; no console errors.

Needs Debian's ``chromium`` and ``chromium-driver`` (``make browser``); skips without them.
Saves ``artifacts/dashboard.png``, ``artifacts/dashboard-desktop.png`` and
``artifacts/dashboard-phone.png`` (full pages).
"""

from __future__ import annotations

import re
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.api.builders import (
    Athlete,
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


def _severe(driver) -> list[str]:  # type: ignore[no-untyped-def]
    """Console errors so far (script errors, failed requests, CSP violations)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _sign_in(driver, server: Server, key: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(server.url + "/")
    field = WebDriverWait(driver, 30).until(ec.visibility_of_element_located((By.ID, "key")))
    field.send_keys(key)
    driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()


def _full_page(driver, name: str, *, phone: bool = False) -> None:  # type: ignore[no-untyped-def]
    """A screenshot of the whole page as ``artifacts/name``: the viewport is made as tall as the
    page for it (desktop: 1280 px wide; phone: 390 px), then set back."""
    for _ in range(3):  # a new size may move the page's height (the charts follow the width)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        if phone:
            _phone(driver, height=height)
        else:
            driver.set_window_size(1280, height)
            chrome = height - driver.execute_script("return window.innerHeight")
            driver.set_window_size(1280, height + chrome)
        time.sleep(0.3)  # the charts follow the new size on the next frame
        if driver.execute_script("return document.documentElement.scrollHeight") <= height:
            break
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / name))
    if phone:
        _phone(driver)
    else:
        driver.set_window_size(1280, 900)


def _phone(driver, on: bool = True, height: int = 844) -> None:  # type: ignore[no-untyped-def]
    """Emulate a 390 × 844 phone (or stop emulating: back to the window's size)."""
    if not on:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": height, "deviceScaleFactor": 2, "mobile": True},
    )


#: Elements sticking out of the viewport on the right (what would make it scroll sideways).
_OVERFLOWING = """
const w = document.documentElement.clientWidth;
return [...document.querySelectorAll('body *')].filter((e) => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.right > w + 0.5;
}).slice(0, 5).map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' +
  Math.round(e.getBoundingClientRect().right));
"""


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
        wait.until(lambda d: d.find_element(By.ID, "uploads-empty").is_displayed())
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "dashboard-empty.png"))
        # no request failed on the way (an athlete without data is not asked for today)
        severe = _severe(driver)
        assert [m for m in severe if "rdy_wrong" not in m and "401" not in m] == [], severe
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


def _varied_sessions(end: date, days: int) -> bytes:
    """An easy run on most days and a long hard one every ninth day, so the calls vary."""
    lines = ["start,end,sport,avg_hr_bpm,max_hr_bpm,trimp,rpe"]
    for i in range(days):
        d = end - timedelta(days=days - 1 - i)
        hard = i % 9 == 0
        if i % 3 == 1 and not hard:
            continue
        minutes = 110 if hard else 40
        start = datetime(d.year, d.month, d.day, 6, 0, tzinfo=UTC)
        stop = start + timedelta(minutes=minutes)
        trimp = 260.0 if hard else 45.0
        lines.append(
            f"{start:%Y-%m-%dT%H:%M:%SZ},{stop:%Y-%m-%dT%H:%M:%SZ},running,"
            f"{165 if hard else 138},{182 if hard else 160},{trimp},{8 if hard else 3}"
        )
    return ("\n".join(lines) + "\n").encode()


def test_dashboard_explains_itself(sqlite_server: Server) -> None:
    """Contributors of both sub-scores, what each call, band and confidence means, a history strip
    of 90 calls that opens a past day (pre-filling its check-in), HRV in ms, load in TRIMP,
    legends with values, charts that follow the window, uploads deleted from the list, export,
    no sideways scrolling at 390 px and no console error."""
    a = sqlite_server.athlete("explained")
    end = a.today() - timedelta(days=1)
    with sqlite_server.client(a.key) as c:
        for name, data in (
            ("daily.csv", daily_csv(end, days=130)),
            ("workouts.csv", _varied_sessions(end, days=130)),
            ("checkins.csv", checkins_csv(end, days=30)),
        ):
            assert upload(c, data, name).status_code == 201
        start = str(end - timedelta(days=100))
        calls = {
            r["date"]: r["recommendation"]["action"]
            for r in c.get("/v1/readiness", params={"start": start, "end": str(end)}).json()["data"]
        }

    driver = _driver()
    try:
        driver.set_window_size(1280, 900)
        _sign_in(driver, sqlite_server, a.key)
        _sees_the_day_explained(driver)
        strip = _sees_90_calls(driver, calls)
        _sees_the_charts(driver, strip)
        _full_page(driver, "dashboard-desktop.png")
        past = str(end - timedelta(days=9))
        _opens_a_past_day(driver, past, calls[past])
        _saves_a_changed_checkin(driver, sqlite_server, a.key, str(end - timedelta(days=4)))
        _renders_evidence_and_methods(driver)
        _exports(driver)
        _fits_a_phone(driver, str(a.today()))
        _deletes_an_upload(driver, sqlite_server, a.key, past)
        assert _severe(driver) == []
    finally:
        driver.quit()


def _sees_the_day_explained(driver) -> None:  # type: ignore[no-untyped-def]
    """Contributors of both sub-scores (a bar of points, the value in its unit, the normal
    range) and what the call, each band, warmth and confidence mean."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 30)
    find = driver.find_element
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#score-stress .contrib")) >= 3)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#score-stiffness .contrib")) >= 2)
    for box in ("score-stress", "score-stiffness"):
        for item in driver.find_elements(By.CSS_SELECTOR, f"#{box} .contrib"):
            assert item.find_element(By.CSS_SELECTOR, ".c-label").text
            assert item.find_element(By.CSS_SELECTOR, ".c-value").text
            points = item.find_element(By.CSS_SELECTOR, ".c-points").text
            assert points.endswith(" pts")
            fill = item.find_element(By.CSS_SELECTOR, ".bar .fill").value_of_css_property("width")
            track = item.find_element(By.CSS_SELECTOR, ".bar").size["width"]
            assert abs(float(fill[:-2]) - track * float(points[:-4]) / 100) <= track / 100 + 1
    hrv = find(By.CSS_SELECTOR, "#score-stress .contrib[data-signal='hrv_7d']")
    assert hrv.find_element(By.CSS_SELECTOR, ".c-value").text.endswith(" ms")
    assert hrv.find_element(By.CSS_SELECTOR, ".c-range").text.startswith("normal ")
    assert find(By.ID, "action-means").text
    for box in ("score-stress", "score-stiffness", "score-warmth"):
        assert find(By.CSS_SELECTOR, f"#{box} .band-means").text, box
    assert find(By.CSS_SELECTOR, "#score-stress .conf").text.startswith("Confidence")
    assert find(By.ID, "today-fresh").text.startswith("Data: latest night")
    assert not find(By.ID, "today-stale").is_displayed()
    assert "Not medical advice" in find(By.ID, "disclaimer").text
    # the evidence: short keys in one line, full citations when opened
    assert find(By.ID, "evidence-row").is_displayed()
    keys = find(By.ID, "evidence-keys").text
    assert keys and not find(By.ID, "today-evidence").is_displayed()
    find(By.CSS_SELECTOR, "#evidence-row summary").click()
    cited = driver.find_elements(By.CSS_SELECTOR, "#today-evidence li")
    assert len(cited) == len(keys.split(" · ")) and all(c.is_displayed() for c in cited)
    find(By.CSS_SELECTOR, "#evidence-row summary").click()
    # contributors say how they were computed, on request
    how = driver.find_elements(By.CSS_SELECTOR, "#score-stress .contrib .how")
    assert how and not how[0].find_element(By.TAG_NAME, "p").is_displayed()


def _sees_90_calls(driver, calls: dict[str, str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The history strip: 90 calls (the API's), coloured by the action; returns date → action."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#history .cell")) == 90
    )
    cells = driver.find_elements(By.CSS_SELECTOR, "#history .cell")
    strip = {c.get_attribute("data-date"): c.get_attribute("data-action") for c in cells}
    assert all(strip.values())
    assert {d: a for d, a in strip.items() if d in calls} == {
        d: calls[d] for d in strip if d in calls
    }
    assert len(set(strip.values())) >= 2, strip
    colours = {
        c.get_attribute("data-action"): c.value_of_css_property("background-color") for c in cells
    }
    assert len(set(colours.values())) == len(colours)
    return strip


def _sees_the_charts(driver, strip: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """HRV in ms, load in TRIMP, legends with values without hovering, calls marked."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(
        lambda d: int(d.find_element(By.ID, "chart-hrv").get_attribute("data-points")) > 0
    )
    legend = {
        row.find_element(By.CSS_SELECTOR, ".u-label").text: row.find_element(
            By.CSS_SELECTOR, ".u-value"
        ).text
        for row in driver.find_elements(By.CSS_SELECTOR, ".u-legend .u-series")
        if row.is_displayed()
    }
    # (not hovering, a day without a value shows the latest of the week before, dated)
    mean = re.fullmatch(r"(\d+) ms( \(.+\))?", legend["HRV 7-day mean"])
    assert mean and 30 < int(mean[1]) < 120, legend  # ms, not ln ms
    assert re.fullmatch(r"\d+ bpm( \(.+\))?", legend["resting HR"]), legend
    assert re.fullmatch(r"[\d.]+ TRIMP( \(.+\))?", legend["training load (TRIMP)"]), legend
    # the legend shows the open day (today): the card's score
    stress = driver.find_element(By.CSS_SELECTOR, "#score-stress .value").text
    assert legend["nervous-system stress"] == stress, legend
    assert re.fullmatch(r"\d+/100", legend["physical stiffness"]), legend
    # hovering shows the hovered day; leaving the chart shows the open day again
    day = lambda: driver.find_element(By.CSS_SELECTOR, "#chart-hrv .u-legend .u-value").text  # noqa: E731
    today = day()
    ActionChains(driver).move_to_element(
        driver.find_element(By.CSS_SELECTOR, "#chart-hrv .u-over")
    ).perform()
    WebDriverWait(driver, 10).until(lambda d: day() not in (today, "–"))
    ActionChains(driver).move_to_element(driver.find_element(By.TAG_NAME, "h1")).perform()
    WebDriverWait(driver, 10).until(lambda d: day() == today)
    # each day's call is marked along the top of the chart, in its action's colour
    common = max(set(strip.values()), key=list(strip.values()).count)
    colour = driver.find_element(
        By.CSS_SELECTOR, f"#history .cell[data-action='{common}']"
    ).value_of_css_property("background-color")
    marked = driver.execute_script(
        "const [r, g, b] = arguments[0].match(/\\d+/g).map(Number);"
        "const c = document.querySelector('#chart-scores canvas');"
        "const top = Math.ceil(c.height / 8);"
        "const px = c.getContext('2d').getImageData(0, 0, c.width, top).data;"
        "let n = 0; for (let i = 0; i < px.length; i += 4)"
        " if (px[i] === r && px[i + 1] === g && px[i + 2] === b && px[i + 3] === 255) n++;"
        "return n;",
        colour,
    )
    assert marked > 50


def _opens_a_past_day(driver, past: str, action: str) -> None:  # type: ignore[no-untyped-def]
    """Choosing a day on the strip opens its card, and its check-in pre-filled."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 30)
    find = driver.find_element
    find(By.CSS_SELECTOR, f"#history .cell[data-date='{past}']").click()
    wait.until(lambda d: d.find_element(By.ID, "today-date").text == past)
    assert find(By.ID, "today-action").get_attribute("data-action") == action
    assert find(By.ID, "back-today").is_displayed()
    cell = find(By.CSS_SELECTOR, f"#history .cell[data-date='{past}']")
    assert cell.get_attribute("aria-pressed") == "true"
    wait.until(
        lambda d: d.find_element(By.ID, "checkin-form").get_attribute("data-prefilled") == past
    )
    form = find(By.ID, "checkin-form")
    answers = {
        n: form.find_element(By.NAME, n).get_attribute("value")
        for n in ("date", "soreness", "stress", "stiffness", "pain", "fatigue", "mood")
    }
    expected = {"soreness": "1", "stress": "2", "stiffness": "1", "pain": "1", "fatigue": "2"}
    assert answers == {"date": past, **expected, "mood": "4"}
    # the charts' legends follow the open day
    assert find(By.CSS_SELECTOR, "#chart-hrv .u-legend .u-series .u-value").text == past
    # the strip works from the keyboard: the open day is its tab stop, arrows move, Enter opens
    cell.send_keys(Keys.ARROW_RIGHT)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    after = str(date.fromisoformat(past) + timedelta(days=1))
    wait.until(lambda d: d.find_element(By.ID, "today-date").text == after)
    find(By.CSS_SELECTOR, f"#history .cell[data-date='{past}']").click()
    wait.until(lambda d: d.find_element(By.ID, "today-date").text == past)


def _set_checkin_date(driver, day: str) -> None:  # type: ignore[no-untyped-def]
    driver.execute_script(
        "const f = document.querySelector('#checkin-form [name=date]');"
        "f.value = arguments[0]; f.dispatchEvent(new Event('change'));",
        day,
    )


def _saves_a_changed_checkin(driver, server: Server, key: str, day: str) -> None:  # type: ignore[no-untyped-def]
    """A pre-filled check-in sends what changed: a new answer, and a cleared one clears it; the
    day's other answers (from the uploaded file) stay."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(driver, 30)
    _set_checkin_date(driver, day)
    wait.until(
        lambda d: d.find_element(By.ID, "checkin-form").get_attribute("data-prefilled") == day
    )
    Select(driver.find_element(By.NAME, "mood")).select_by_value("2")
    Select(driver.find_element(By.NAME, "fatigue")).select_by_value("")
    driver.find_element(By.CSS_SELECTOR, "#checkin-form button").click()
    wait.until(lambda d: f"Saved for {day}" in d.find_element(By.ID, "checkin-status").text)
    with server.client(key) as c:
        row = c.get(f"/v1/checkins/{day}").json()
    assert (row["mood"], row["fatigue"], row["soreness"], row["stress"]) == (2, None, 1, 2)
    # the form shows the day's answers as saved
    wait.until(lambda d: d.find_element(By.NAME, "mood").get_attribute("value") == "2")
    assert driver.find_element(By.NAME, "fatigue").get_attribute("value") == ""


def _renders_evidence_and_methods(driver) -> None:  # type: ignore[no-untyped-def]
    """Evidence as strings or as {key, citation, url} (a link only for http(s)); a
    contributor's method under "How"."""
    shown = driver.execute_script(
        "const R = window.readiness;"
        "const items = [R.evidenceItem('Cheung 2003'),"
        " R.evidenceItem({key: 'Behm 2016', citation: 'Behm DG et al. (2016)',"
        "                 url: 'https://doi.org/10.1139/apnm-2015-0235'}),"
        " R.evidenceItem({key: 'x', citation: 'Bad link', url: 'javascript:alert(1)'}),"
        " R.evidenceItem({key: 'Cheung 2003', citation: 'Cheung K (2003). DOMS.',"
        "                 url: 'docs/evidence.md#cheung-2003'})];"
        "const c = R.contributorItem({signal: 'hrv_today', value: 57, unit: 'ms',"
        " normal_range: [60.1, 66.04], points: 28.1, text: 'HRV last night 57 ms',"
        " method: 'ln RMSSD against the 60-night baseline'});"
        "return [items.map((li) => [li.textContent, li.querySelector('a') &&"
        " li.querySelector('a').href]), c.querySelector('.c-value').textContent,"
        " c.querySelector('.c-range').textContent, c.querySelector('.how').textContent];"
    )
    assert shown == [
        [
            ["Cheung 2003", None],
            ["Behm DG et al. (2016)", "https://doi.org/10.1139/apnm-2015-0235"],
            ["Bad link", None],
            ["Cheung K (2003). DOMS.", None],
        ],
        "57 ms",
        "normal 60–66 ms",
        "Howln RMSSD against the 60-night baseline",
    ]


def _exports(driver) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.ID, "export").click()
    WebDriverWait(driver, 30).until(
        lambda d: "Downloaded" in d.find_element(By.ID, "data-status").text
    )
    assert re.search(r"\.zip \(\d+ KB\)", driver.find_element(By.ID, "data-status").text)


def _fits_a_phone(driver, today: str) -> None:  # type: ignore[no-untyped-def]
    """At 390 × 844 nothing scrolls sideways and the charts follow the new width (and back)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 30)
    width = lambda d: d.find_element(By.CSS_SELECTOR, "#chart-hrv canvas").size["width"]  # noqa: E731
    wide = width(driver)
    _phone(driver)
    wait.until(lambda d: width(d) < 390)
    assert driver.execute_script("return window.innerWidth") == 390
    assert driver.execute_script(_OVERFLOWING) == []
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert width(driver) <= driver.find_element(By.ID, "chart-hrv").size["width"] < wide
    driver.find_element(By.ID, "back-today").click()
    wait.until(lambda d: d.find_element(By.ID, "today-date").text == today)
    _full_page(driver, "dashboard-phone.png", phone=True)
    _phone(driver, on=False)
    wait.until(lambda d: width(d) == wide)


def _deletes_an_upload(driver, server: Server, key: str, past: str) -> None:  # type: ignore[no-untyped-def]
    """The upload history shows each upload's status; deleting one asks first, and then its
    rows are gone (the day's check-in is no longer pre-filled)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 30)
    rows = lambda: driver.find_elements(By.CSS_SELECTOR, "#uploads .upload")  # noqa: E731
    wait.until(lambda d: len(rows()) == 3)
    assert {u.get_attribute("data-status") for u in rows()} == {"done"}
    assert not driver.find_element(By.ID, "uploads-more").is_displayed()  # all three shown
    assert "30 check-ins" in next(u.text for u in rows() if "checkins.csv" in u.text)
    button = next(u for u in rows() if "checkins.csv" in u.text).find_element(By.TAG_NAME, "button")
    button.click()
    wait.until(lambda d: d.find_element(By.ID, "confirm").is_displayed())
    driver.find_element(By.ID, "confirm-cancel").click()
    assert len(rows()) == 3
    button.click()
    wait.until(lambda d: d.find_element(By.ID, "confirm").is_displayed())
    driver.find_element(By.ID, "confirm-ok").click()
    wait.until(lambda d: len(rows()) == 2)
    assert "Deleted checkins.csv" in driver.find_element(By.ID, "upload-status").text
    _set_checkin_date(driver, past)
    wait.until(lambda d: f"No answers for {past}" in d.find_element(By.ID, "checkin-prefill").text)
    assert driver.find_element(By.NAME, "soreness").get_attribute("value") == ""
    with server.client(key) as c:
        assert c.get(f"/v1/checkins/{past}").status_code == 404


def _with_nights(server: Server, name: str, *, ago: int, days: int) -> Athlete:
    """A new athlete with ``days`` calm nights, the last one ``ago`` days before today."""
    a = server.athlete(name)
    with server.client(a.key) as c:
        last = a.today() - timedelta(days=ago)
        assert upload(c, daily_csv(last, days=days), "d.csv").status_code == 201
    return a


def test_dashboard_deletes_the_account_after_a_confirmation(sqlite_server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a = _with_nights(sqlite_server, "leaving", ago=1, days=20)
    driver = _driver()
    try:
        _sign_in(driver, sqlite_server, a.key)
        wait = WebDriverWait(driver, 30)
        wait.until(lambda d: d.find_element(By.ID, "today-action").text.strip() != "")
        driver.find_element(By.ID, "delete-account").click()
        wait.until(lambda d: d.find_element(By.ID, "confirm").is_displayed())
        assert "cannot be undone" in driver.find_element(By.ID, "confirm-text").text
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "dashboard-confirm.png"))
        driver.find_element(By.ID, "confirm-cancel").click()
        with sqlite_server.client(a.key) as c:
            assert c.get("/v1/me").status_code == 200
        driver.find_element(By.ID, "delete-account").click()
        wait.until(lambda d: d.find_element(By.ID, "confirm").is_displayed())
        driver.find_element(By.ID, "confirm-ok").click()
        wait.until(lambda d: "deleted" in d.find_element(By.ID, "signin-notice").text)
        assert driver.find_element(By.ID, "signin").is_displayed()
        assert not driver.find_element(By.ID, "app").is_displayed()
        assert driver.execute_script("return sessionStorage.getItem('readiness.key')") is None
        with sqlite_server.client(a.key) as c:
            assert c.get("/v1/me").status_code == 401
        assert _severe(driver) == []
    finally:
        driver.quit()


def test_dashboard_says_when_the_data_is_old(sqlite_server: Server) -> None:
    """Data that stopped ten days ago: today's call is "no recent data", the card says since
    when (the day object's ``data``), and the strip shows those days."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a = _with_nights(sqlite_server, "gone quiet", ago=10, days=60)
    last = a.today() - timedelta(days=10)
    driver = _driver()
    try:
        _sign_in(driver, sqlite_server, a.key)
        wait = WebDriverWait(driver, 30)
        wait.until(lambda d: d.find_element(By.ID, "today-action").get_attribute("data-action"))
        action = driver.find_element(By.ID, "today-action")
        assert action.get_attribute("data-action") == "no_recent_data"
        assert action.text.startswith("No recent data")
        stale = driver.find_element(By.ID, "today-stale")
        assert stale.is_displayed() and f"from {last} (10 days before)" in stale.text
        assert f"latest night {last}" in driver.find_element(By.ID, "today-fresh").text
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#history .cell")) == 90)
        recent = driver.find_elements(By.CSS_SELECTOR, "#history .cell")[-7:]
        assert {c.get_attribute("data-action") for c in recent} == {"no_recent_data"}
        assert "No recent data" in driver.find_element(By.ID, "history-legend").text
        assert _severe(driver) == []
    finally:
        driver.quit()


def test_dashboard_draws_a_vendor_load_on_its_own_scale(sqlite_server: Server) -> None:
    """Workouts with only the vendor's own load (WHOOP strain 0–21, no TRIMP) are drawn on
    that scale, labelled as the vendor's, never as TRIMP."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a = _with_nights(sqlite_server, "whoop", ago=1, days=40)
    end = a.today() - timedelta(days=1)
    lines = ["start,end,sport,vendor_load,source"]
    for i in range(0, 30, 2):
        d = end - timedelta(days=i)
        start = datetime(d.year, d.month, d.day, 6, tzinfo=UTC)
        stop = start + timedelta(minutes=50)
        lines.append(f"{start:%Y-%m-%dT%H:%M:%SZ},{stop:%Y-%m-%dT%H:%M:%SZ},running,12.5,whoop")
    with sqlite_server.client(a.key) as c:
        assert upload(c, ("\n".join(lines) + "\n").encode(), "w.csv").status_code == 201
    driver = _driver()
    try:
        _sign_in(driver, sqlite_server, a.key)
        WebDriverWait(driver, 30).until(
            lambda d: int(d.find_element(By.ID, "chart-scores").get_attribute("data-points")) > 0
        )
        labels = [
            e.text
            for e in driver.find_elements(By.CSS_SELECTOR, "#chart-scores .u-legend .u-label")
        ]
        assert "WHOOP strain (vendor scale 0–21)" in labels, labels
        assert not any("TRIMP" in label for label in labels), labels
        note = driver.find_element(By.ID, "chart-load-note").text
        assert "WHOOP strain per day, the vendor's own scale (0–21), not TRIMP" in note
        # the legend shows the open day's strain (yesterday had a workout)
        driver.execute_script("window.readiness.chooseChartDay(arguments[0])", str(end))
        value = driver.find_elements(By.CSS_SELECTOR, "#chart-scores .u-legend .u-value")[1].text
        assert value == "12.5"
        assert _severe(driver) == []
    finally:
        driver.quit()


def test_dashboard_lists_uploads_ten_at_a_time(sqlite_server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a = sqlite_server.athlete("many files")
    end = a.today() - timedelta(days=1)
    with sqlite_server.client(a.key) as c:
        for i in range(12):
            day = daily_csv(end - timedelta(days=i), days=1, seed=i)
            assert upload(c, day, f"day-{i:02}.csv").status_code == 201
    driver = _driver()
    try:
        _sign_in(driver, sqlite_server, a.key)
        wait = WebDriverWait(driver, 30)
        rows = lambda: driver.find_elements(By.CSS_SELECTOR, "#uploads .upload")  # noqa: E731
        wait.until(lambda d: len(rows()) == 10)
        assert rows()[0].find_element(By.CSS_SELECTOR, ".fname").text == "day-11.csv"  # newest
        assert driver.find_element(By.ID, "uploads-count").text == "10 of 12 shown"
        more = driver.find_element(By.ID, "uploads-more")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", more)
        more.click()
        wait.until(lambda d: len(rows()) == 12)
        names = [r.find_element(By.CSS_SELECTOR, ".fname").text for r in rows()]
        assert names == [f"day-{i:02}.csv" for i in range(11, -1, -1)]
        assert not more.is_displayed()
        assert _severe(driver) == []
    finally:
        driver.quit()


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _personal_athlete(server: Server, name: str, checkins: int) -> tuple[Athlete, dict[str, Any]]:
    """An athlete whose stress check-ins follow last night's HRV (the last ``checkins`` days
    before yesterday), and today's ``calibration.personal`` as the API serves it."""
    from tests.api.routes.test_personal_weights import _files

    a = server.athlete(name)
    nights, answers = _files(a.today() - timedelta(days=1))
    head, *rows = answers.decode().splitlines()
    kept = "\n".join([head, *rows[len(rows) - checkins :]]) + "\n"
    with server.client(a.key) as c:
        assert upload(c, nights, "nights.csv").status_code == 201
        assert upload(c, kept.encode(), "checkins.csv").status_code == 201
        today = c.get("/v1/readiness/today")
        assert today.status_code == 200, today.text
    personal: dict[str, Any] = today.json()["calibration"]["personal"]
    return a, personal


def test_dashboard_shows_when_a_score_is_personal(sqlite_server: Server) -> None:
    """A score on personal weights says so, why, and what it learned against the standard
    weights; the contributors carry their weight. An athlete still learning says how far."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a, personal = _personal_athlete(sqlite_server, "personal", checkins=60)
    assert personal["state"] == "active", personal  # the check-ins follow HRV closely
    b, learning = _personal_athlete(sqlite_server, "learning", checkins=12)
    assert learning["state"] == "learning" and learning["learned"] is None, learning
    driver = _driver()
    try:
        _sign_in(driver, sqlite_server, a.key)
        wait = WebDriverWait(driver, 30)
        box = wait.until(lambda d: d.find_element(By.ID, "score-stress"))
        wait.until(lambda d: box.get_attribute("data-personal") == "active")
        div = box.find_element(By.CSS_SELECTOR, ".personal")
        assert div.is_displayed()
        assert div.find_element(By.CSS_SELECTOR, ".badge").text == "personal"
        assert personal["reason"].startswith("personal: ")
        reason = div.find_element(By.CSS_SELECTOR, ".personal-reason").text
        assert reason == _capitalised(personal["reason"].removeprefix("personal: "))
        shown = {
            li.get_attribute("data-signal"): li.text
            for li in div.find_elements(By.CSS_SELECTOR, ".weight")
        }
        learned = {s: w for s, w in personal["learned"].items() if w >= 0.005}
        assert set(learned) <= set(shown), (learned, shown)
        for signal, weight in learned.items():
            assert f"{round(weight * 100)} %" in shown[signal], (signal, shown[signal])
            standard = personal["standard"][signal]
            assert f"(standard {round(standard * 100)} %)" in shown[signal]
        validation = personal["validation"]
        yours, standard_fit = (str(float(f"{validation[k]:.2f}")) for k in ("personal", "fixed"))
        assert f"personal {yours} vs standard {standard_fit}" in div.text, div.text
        assert "ρ" not in div.text  # the method only under "How", closed
        how = div.find_element(By.CSS_SELECTOR, ".how")
        how.find_element(By.TAG_NAME, "summary").click()
        assert "ρ" in how.text
        assert validation["metric"] in how.text
        assert f"learned from {validation['fitted_on']} check-in days" in how.text
        weighed = box.find_elements(By.CSS_SELECTOR, ".contrib .c-points")
        assert any("weight" in w.text for w in weighed), [w.text for w in weighed]
        _full_page(driver, "dashboard-personal.png")
        driver.set_window_size(1280, 1800)
        driver.execute_script("arguments[0].scrollIntoView()", box)
        box.screenshot(str(ARTIFACTS / "dashboard-personal-score.png"))
        driver.set_window_size(1280, 900)
        _phone(driver)  # what it learned fits a phone too
        assert driver.execute_script(_OVERFLOWING) == []
        _full_page(driver, "dashboard-personal-phone.png", phone=True)
        _phone(driver, height=2000)
        driver.execute_script("arguments[0].scrollIntoView()", box)
        box.screenshot(str(ARTIFACTS / "dashboard-personal-score-phone.png"))
        _phone(driver, on=False)
        assert _severe(driver) == []
        driver.find_element(By.ID, "signout").click()
        _sign_in(driver, sqlite_server, b.key)
        box = wait.until(lambda d: d.find_element(By.ID, "score-stress"))
        wait.until(lambda d: box.get_attribute("data-personal") == "learning")
        div = box.find_element(By.CSS_SELECTOR, ".personal")
        assert (
            div.find_element(By.CSS_SELECTOR, ".badge").text == "learning (12 of 30 check-in days)"
        )
        reason = div.find_element(By.CSS_SELECTOR, ".personal-reason").text
        assert reason == _capitalised(learning["reason"])
        box.screenshot(str(ARTIFACTS / "dashboard-learning-score.png"))
        assert div.find_elements(By.CSS_SELECTOR, ".weight") == []
        assert not any(
            "weight" in w.text for w in box.find_elements(By.CSS_SELECTOR, ".contrib .c-points")
        )
        assert _severe(driver) == []
    finally:
        driver.quit()
