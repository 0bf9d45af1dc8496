"""The team page (``/team``) in headless Chromium: a coach signs in and sees the triage table,
most urgent first, with each member's 14-day strip. Skips without Chromium (``make browser``).
Saves ``artifacts/team.png``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.conftest import Server
from tests.api.routes.test_teams import coach, join, team, with_data
from tests.api.test_dashboard import ARTIFACTS, _driver

pytestmark = pytest.mark.browser


#: Whether each strip mark has its action's colour from words.js, as the dashboard paints it.
_SAME_AS_DASHBOARD = """
const probe = document.createElement('span');
document.body.append(probe);
const out = arguments[0].map((m) => {
  probe.style.backgroundColor = window.readiness.actionColour(m.dataset.action);
  return getComputedStyle(m).backgroundColor === getComputedStyle(probe).backgroundColor;
});
probe.remove();
return out;
"""


def test_team_page_shows_the_triage_with_history(sqlite_server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    coach_id, key = coach(sqlite_server, "Page coach")
    team_id = team(sqlite_server, "Page team", coach_id)
    calm = with_data(sqlite_server, "Calm member")
    stale = with_data(sqlite_server, "Stale member", end=calm.today() - timedelta(days=40))
    empty = sqlite_server.athlete("New member")
    for athlete in (calm, stale, empty):
        join(sqlite_server, athlete, key, team_id)

    driver = _driver()
    try:
        driver.get(sqlite_server.url + "/team")
        wait = WebDriverWait(driver, 30)
        wait.until(ec.visibility_of_element_located((By.ID, "key"))).send_keys(key)
        driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#triage tbody tr")) == 3)
        # the strips fill in after the table
        wait.until(
            lambda d: (
                d.find_element(
                    By.CSS_SELECTOR, f"tr[data-athlete='{calm.id}'] .strip"
                ).get_attribute("data-days")
                == "14"
            )
        )
        rows = driver.find_elements(By.CSS_SELECTOR, "#triage tbody tr")
        order = [r.get_attribute("data-athlete") for r in rows]
        assert order == [str(stale.id), str(empty.id), str(calm.id)]
        calm_row = rows[2]
        marks = calm_row.find_elements(By.CSS_SELECTOR, ".strip span")
        assert len(marks) == 14 and all(m.get_attribute("class") for m in marks)
        # the same words and colours as the dashboard's history strip (words.js)
        same = driver.execute_script(_SAME_AS_DASHBOARD, marks)
        assert same == [True] * 14, same
        strip_words = {m.get_attribute("title").split(": ", 1)[1] for m in marks}
        action_words = driver.execute_script(
            "return Object.keys(window.readiness.ACTIONS).map(window.readiness.actionText)"
        )
        assert strip_words <= set(action_words), strip_words
        assert "Calm member" in calm_row.text
        assert "No data yet" in rows[1].text and "Stale data" in rows[0].text
        driver.find_element(By.ID, "invite").click()
        wait.until(lambda d: "One-time code" in d.find_element(By.ID, "invite-code").text)
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "team.png"))
        severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
    finally:
        driver.quit()
