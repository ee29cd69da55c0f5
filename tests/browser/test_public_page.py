"""The public page in a real browser, against a real `coalition-bot run` on demo data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.web.running import ROOT, running_bot

pytestmark = pytest.mark.browser
SCREENSHOT = ROOT / "docs" / "web-page.png"
PUBLIC = "Mednarodno srečanje Industrija 4.0"
INTERNAL = "Rok za oddajo prijave za sofinanciranje"


def console_errors(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def overflow(driver: Any) -> int:
    """How far the page is wider than the window (0: no horizontal scrolling)."""
    return int(
        driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    )


def test_the_events_page_in_chromium_at_360_px(
    browser: Any, tmp_path: Path, database_url: str
) -> None:
    from selenium.webdriver.common.by import By

    with running_bot(tmp_path, database_url=database_url) as base:
        browser.get(f"{base}/sasa/")
        body = browser.find_element(By.TAG_NAME, "body").text
        assert PUBLIC in body
        assert INTERNAL not in body
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sl"
        assert "Prihajajoči dogodki" in body
        assert browser.execute_script("return window.innerWidth") <= 360
        assert overflow(browser) <= 0
        shot = tmp_path / "web-page.png"
        assert browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("COALITION_BOT_SAVE_SCREENSHOT") and "sqlite" in database_url:
            SCREENSHOT.parent.mkdir(exist_ok=True)
            shutil.copy(shot, SCREENSHOT)

        browser.find_element(By.LINK_TEXT, "English").click()
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        assert "Upcoming events" in browser.find_element(By.TAG_NAME, "body").text
        assert overflow(browser) <= 0

        browser.find_element(By.PARTIAL_LINK_TEXT, PUBLIC).click()
        assert browser.find_element(By.TAG_NAME, "h1").text == PUBLIC
        page = browser.find_element(By.TAG_NAME, "body").text
        assert "Add to calendar" in page
        assert "Velenje" in page
        assert overflow(browser) <= 0
        assert console_errors(browser) == []
