"""Take the README's screenshots of the form and a report page (English and Japanese).

    .venv/bin/python docs/screenshots.py            # demo engine (tests/web/webdemo.py)
    .venv/bin/python docs/screenshots.py --real     # the shipped rules and model

Runs the app on a loopback port in this process and drives Debian's Chromium with Playwright
(no browser download). The demo engine is the real engine on the web tests' small rule set,
with a constructed checklist and classifier section; `--real` shows what the shipped engine
reports.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "web"))


def _top_of_page(page, path: Path, height: int = 1900) -> None:  # type: ignore[no-untyped-def]
    """The top of the page, where the verdict, the fixes and the first findings are (the whole
    report is several screens long; the PNG stays small)."""
    width = page.viewport_size["width"]
    full = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": width, "height": min(full, height)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 900})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="use the shipped engine")
    parser.add_argument("--out", default=str(ROOT / "docs"), help="output directory")
    args = parser.parse_args()

    from tests.support.browser import chromium_context
    from web import create_app

    tmp = Path(tempfile.mkdtemp(prefix="spamscore-shots-"))
    config: dict[str, object] = {"database_url": f"sqlite:///{tmp / 'r.sqlite3'}"}
    if args.real:
        from scorer.pipeline import Engine
        from scorer.settings import Settings

        config["engine"] = Engine(Settings.from_env().replace(offline=True))
    else:
        from webdemo import demo_engine

        config["engine"] = demo_engine()
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sample = (ROOT / "web" / "samples" / "promo.eml").read_text(encoding="utf-8")
    try:
        with chromium_context(tmp / "profile", device_scale_factor=1) as context:
            page = context.new_page()
            page.goto(f"{base}/?lang=en")
            page.screenshot(path=str(out / "form-en.png"), full_page=True)
            page.fill("#raw", sample)
            page.click("#panel-paste button[type=submit]")
            page.wait_for_selector(".summary")
            _top_of_page(page, out / "report-en.png")
            report_url = page.url.split("?")[0]
            page.goto(f"{report_url}?lang=ja")
            _top_of_page(page, out / "report-ja.png")
            # Edit and check again: the promotion rewritten as the newsletter, compared
            page.goto(f"{base}/?lang=en&edit={report_url.rsplit('/', 1)[1]}")
            page.fill("#raw", (ROOT / "web" / "samples" / "newsletter.eml").read_text("utf-8"))
            page.click("#panel-paste button[type=submit]")
            page.wait_for_selector("#compare")
            # the sticky top bar must not cover the section (the page's CSP allows no inline style)
            page.evaluate("document.querySelector('.topbar').style.position = 'static'")
            page.locator("#compare").screenshot(path=str(out / "compare-en.png"))
            page.goto(f"{base}/?lang=ja")
            page.screenshot(path=str(out / "form-ja.png"), full_page=True)
            phone = context.new_page()
            phone.set_viewport_size({"width": 390, "height": 844})
            phone.goto(f"{report_url}?lang=en")
            phone.screenshot(path=str(out / "report-phone.png"), full_page=False)
    finally:
        server.shutdown()
    names = ("form-en", "form-ja", "report-en", "report-ja", "report-phone", "compare-en")
    for name in names:
        print(out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
