"""Benchmark: Lighthouse scores of the main pages, served the way production serves them.

Sets up a throwaway demo site (tools/demo_site.py) under hub.settings.production (DEBUG off,
static files collected with hashed, compressed names; plain http on loopback), then runs
Lighthouse 12 (package.json) in Debian's headless Chromium over every page, with the desktop
preset and the default mobile emulation, as anonymous visitor and as the demo member (signed in
once; the session cookie goes along as an extra header). Prints one row per page, device and
user: the four category scores and the Largest Contentful Paint, and marks what misses the
targets. With --strict a miss makes the exit code non-zero.

    make bench-lighthouse
    python -m bench.lighthouse --pages startseite,suche --strict
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass

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

LIGHTHOUSE = PROJECT_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = {
    "performance": "Performance",
    "accessibility": "Barrierefreiheit",
    "best-practices": "Best Practices",
    "seo": "SEO",
}
# Lowest acceptable score per category and device (0-100), and the slowest acceptable LCP.
TARGETS = {
    "desktop": {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100},
    "mobil": {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100},
}
TARGET_DESKTOP_LCP_S = 1.0
SESSION_COOKIE = "sessionid"


@dataclass(frozen=True)
class Result:
    page: str
    device: str
    user: str
    scores: dict[str, int]
    lcp_s: float
    # Audits that lowered a category score, as (category, audit id).
    failed_audits: tuple[tuple[str, str], ...]

    def misses(self) -> set[str]:
        missed = {
            category
            for category, target in TARGETS[self.device].items()
            if self.scores[category] < target
        }
        if self.device == "desktop" and self.lcp_s > TARGET_DESKTOP_LCP_S:
            missed.add("lcp")
        return missed


def member_cookie(base_url: str) -> str:
    """The `Cookie` header of the demo member after one sign-in through the login form."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = signed_in_context(browser, base_url, ViewportSize(width=1366, height=900))
        cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
        browser.close()
    if SESSION_COOKIE not in cookies:
        raise RuntimeError("Die Anmeldung des Demo-Mitglieds hat kein Sitzungs-Cookie gesetzt.")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def lighthouse(
    url: str, device: str, cookie: str | None
) -> tuple[dict[str, int], float, tuple[tuple[str, str], ...]]:
    """Category scores (0-100), LCP in seconds and the failed audits of one Lighthouse run."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        "--chrome-flags=--headless=new --no-sandbox",
        "--only-categories=" + ",".join(CATEGORIES),
    ]
    if device == "desktop":
        command.append("--preset=desktop")
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    run = subprocess.run(  # noqa: S603 - fixed command, arguments from this module
        command,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        raise RuntimeError(f"Lighthouse failed on {url}:\n{run.stderr}")
    report = json.loads(run.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"Lighthouse could not load {url}: {report['runtimeError']}")
    scores = {
        category: round(100 * (report["categories"][category]["score"] or 0))
        for category in CATEGORIES
    }
    audits = report["audits"]
    # Audits without a score (not applicable, manual, informative) count for nothing.
    failed = tuple(
        (category, ref["id"])
        for category in CATEGORIES
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None
        if audits[ref["id"]]["score"] < 1
    )
    return scores, audits["largest-contentful-paint"]["numericValue"] / 1000, failed


def print_row(result: Result) -> None:
    missed = result.misses()

    def cell(value: str, key: str, width: int) -> str:
        return f"{value + ('!' if key in missed else ''):>{width}}"

    print(
        f"{result.page:<16}{result.device:<9}{result.user:<10}"
        + "".join(
            cell(str(result.scores[category]), category, len(title) + 2)
            for category, title in CATEGORIES.items()
        )
        + cell(f"{result.lcp_s:.2f}", "lcp", 9),
        flush=True,
    )


def run(pages: str | None) -> list[Result]:
    results = []
    with demo_site(production=True) as site:
        chosen: list[DemoPage] = select_pages(demo_pages(), pages)
        cookie = member_cookie(site.url)
        print(
            f"{'Seite':<16}{'Gerät':<9}{'Nutzer':<10}"
            + "".join(f"{title:>{len(title) + 2}}" for title in CATEGORIES.values())
            + f"{'LCP (s)':>9}"
        )
        for page in chosen:
            for device in TARGETS:
                for user, user_cookie in (("anonym", None), ("mitglied", cookie)):
                    if not (page.members if user_cookie else page.public):
                        continue
                    result = Result(
                        page.name,
                        device,
                        user,
                        *lighthouse(site.url + page.path, device, user_cookie),
                    )
                    print_row(result)
                    results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", help="Nur diese Seiten, durch Kommas getrennt (z. B. suche).")
    parser.add_argument(
        "--strict", action="store_true", help="Mit Fehlercode enden, wenn ein Ziel verfehlt wird."
    )
    options = parser.parse_args()
    results = run(options.pages)
    missed = [result for result in results if result.misses()]
    for result in missed:
        misses = result.misses()
        reasons = [
            f"{category}: {audit}" for category, audit in result.failed_audits if category in misses
        ]
        if "lcp" in misses:
            reasons.append(f"LCP über {TARGET_DESKTOP_LCP_S} s")
        print(f"{result.page}, {result.device}, {result.user}: " + "; ".join(reasons))
    desktop, mobile = TARGETS["desktop"], TARGETS["mobil"]
    print(
        f"\nZiele: Performance >= {desktop['performance']} (Desktop) / {mobile['performance']}"
        f" (mobil), Barrierefreiheit, Best Practices und SEO {desktop['seo']},"
        f" LCP <= {TARGET_DESKTOP_LCP_S} s (Desktop); ! = verfehlt."
        f" {len(missed)} von {len(results)} Läufen verfehlen ein Ziel."
    )
    if options.strict and missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
