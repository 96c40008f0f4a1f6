"""Debian's Chromium driven by Playwright: one launch recipe for the browser tests and the docs
screenshots (never a browser download; background networking off, as this machine has none)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_installed() -> bool:
    return Path(CHROMIUM).exists() and shutil.which("chromium") is not None


@contextmanager
def chromium_context(profile_dir: Path, **options: Any) -> Iterator[Any]:
    """A persistent Playwright browser context on a fresh profile (1280x900 unless told)."""
    from playwright.sync_api import sync_playwright

    options.setdefault("viewport", {"width": 1280, "height": 900})
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            **options,
        )
        try:
            yield context
        finally:
            context.close()
