"""Headless Debian Chromium through selenium and the system chromedriver: nothing downloads a
browser. Without the binaries the tier is skipped with the reason, unless
COALITION_BOT_REQUIRE_BROWSER is set (CI), where it fails instead."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = ("chromium", "chromium-browser")
DRIVER = "chromedriver"


def _binaries() -> tuple[str, str] | str:
    browser = next((path for name in CHROMIUM if (path := shutil.which(name))), None)
    driver = shutil.which(DRIVER)
    if browser is None or driver is None:
        missing = ", ".join(
            name for name, found in (("chromium", browser), ("chromedriver", driver)) if not found
        )
        return f"{missing} not installed (apt-get install chromium chromium-driver)"
    return browser, driver


@pytest.fixture
def browser() -> Iterator[Any]:
    found = _binaries()
    if isinstance(found, str):
        if os.environ.get("COALITION_BOT_REQUIRE_BROWSER"):
            pytest.fail(f"browser tier required but unavailable: {found}")
        pytest.skip(found)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # selenium manager must never fetch a browser
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=360,800",
        "--lang=sl",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "sl,en"})
    # a phone 360 px wide (a desktop window cannot be narrower than 500 px)
    options.add_experimental_option(
        "mobileEmulation", {"deviceMetrics": {"width": 360, "height": 780, "pixelRatio": 2.0}}
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=found[1]), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
