"""Full-page screenshots of the demo network on a desktop and a phone screen.

Serves a freshly seeded demo site (tools/demo_site.py) and photographs its main pages with
Playwright and Debian's Chromium, as anonymous visitor and as the demo member Miriam Schulte.
Pages only members may see are skipped for anonymous visitors, and the sign-up page for the
member. Files are named `<page>-<user>-<width>x<height>.png`.

    make screenshots
    python -m tools.screenshots --out /tmp/shots --pages startseite,suche
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

from tools.demo_site import (
    CHROMIUM,
    PROJECT_DIR,
    DemoPage,
    demo_pages,
    demo_site,
    select_pages,
    signed_in_context,
)

VIEWPORTS = {"desktop": (1366, 900), "mobil": (390, 844)}
USERS = ("anonym", "mitglied")


def take(base_url: str, pages: list[DemoPage], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for user in USERS:
            for width, height in VIEWPORTS.values():
                viewport = ViewportSize(width=width, height=height)
                context = (
                    signed_in_context(browser, base_url, viewport)
                    if user == "mitglied"
                    else browser.new_context(locale="de-DE", viewport=viewport)
                )
                page = context.new_page()
                for demo_page in pages:
                    if not (demo_page.members if user == "mitglied" else demo_page.public):
                        continue
                    response = page.goto(base_url + demo_page.path)
                    page.wait_for_load_state("networkidle")
                    status = response.status if response else "?"
                    if status != 200:
                        print(f"{demo_page.name} ({user}): {demo_page.path} antwortete {status}")
                    path = out / f"{demo_page.name}-{user}-{width}x{height}.png"
                    page.screenshot(path=path, full_page=True)
                    written.append(path)
                    print(path)
                context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=PROJECT_DIR / "var" / "screenshots", help="Zielordner."
    )
    parser.add_argument("--pages", help="Nur diese Seiten, durch Kommas getrennt (z. B. suche).")
    options = parser.parse_args()
    with demo_site() as site:
        take(site.url, select_pages(demo_pages(), options.pages), options.out.resolve())


if __name__ == "__main__":
    main()
