"""Benchmark: Lighthouse scores of the main pages, served the way production serves them.

Sets up a throwaway demo site (tools/demo_site.py) under hub.settings.production (DEBUG off,
static files collected with hashed, compressed names; plain http on loopback), then runs
Lighthouse 12 (package.json) in Debian's headless Chromium over every page, with the desktop
preset and the default mobile emulation, as anonymous visitor and as the demo member (in a
Chromium signed in once, that Lighthouse connects to). Prints one row per page, device and
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
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from tools.demo_site import (
    CHROMIUM,
    PROJECT_DIR,
    DemoPage,
    demo_pages,
    demo_site,
    select_pages,
    sign_in,
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
RUN_ATTEMPTS = 3


@dataclass(frozen=True)
class MemberBrowser:
    port: int
    clear_cache: Callable[[], object]


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


@contextmanager
def member_browser(base_url: str) -> Iterator[MemberBrowser]:
    """Chromium with the demo member signed in through the login form, open for Lighthouse to
    connect to. A session cookie passed as an extra header would not reach the page's websocket,
    whose refused handshake Lighthouse then counts as a console error; in a real signed-in
    browser every request carries the session, as for a member."""
    with tempfile.TemporaryDirectory(prefix="kollegium-lighthouse-") as profile:
        chromium = subprocess.Popen(  # noqa: S603 - fixed command
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port = _devtools_port(Path(profile), chromium)
            with sync_playwright() as playwright:
                browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
                page = browser.contexts[0].new_page()
                sign_in(page, base_url)
                devtools = browser.contexts[0].new_cdp_session(page)
                yield MemberBrowser(port, lambda: devtools.send("Network.clearBrowserCache"))
        finally:
            chromium.terminate()
            chromium.wait(timeout=10)


def _devtools_port(profile: Path, chromium: subprocess.Popen[bytes]) -> int:
    """The port Chromium chose for its debugging endpoint (it writes it into the profile)."""
    announced = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if chromium.poll() is not None:
            raise RuntimeError("Chromium hat sich beim Start beendet.")
        if announced.exists() and announced.read_text().strip():
            return int(announced.read_text().splitlines()[0])
        time.sleep(0.1)
    raise RuntimeError("Chromium hat keinen Debugging-Port genannt.")


def lighthouse(
    url: str, device: str, member: MemberBrowser | None
) -> tuple[dict[str, int], float, tuple[tuple[str, str], ...]]:
    """Category scores (0-100), LCP in seconds and the failed audits of one Lighthouse run: in a
    fresh Chromium for the visitor, in the member's signed-in one (cache emptied, cookies kept)."""
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
    if member:
        command += [f"--port={member.port}", "--disable-storage-reset"]
    report = _report(command, url, member)
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


def _report(command: list[str], url: str, member: MemberBrowser | None) -> dict[str, Any]:
    """Lighthouse's JSON report; a run whose trace recording failed (it happens now and then,
    e.g. NO_NAVSTART) is repeated, up to RUN_ATTEMPTS times."""
    problem = ""
    for _attempt in range(RUN_ATTEMPTS):
        if member:
            member.clear_cache()
        run = subprocess.run(  # noqa: S603 - fixed command, arguments from this module
            command,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode == 0:
            report: dict[str, Any] = json.loads(run.stdout)
            if not report.get("runtimeError"):
                return report
            problem = str(report["runtimeError"])
        else:
            problem = run.stderr
    raise RuntimeError(f"Lighthouse failed {RUN_ATTEMPTS} times on {url}:\n{problem}")


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
        print(
            f"{'Seite':<16}{'Gerät':<9}{'Nutzer':<10}"
            + "".join(f"{title:>{len(title) + 2}}" for title in CATEGORIES.values())
            + f"{'LCP (s)':>9}"
        )
        with member_browser(site.url) as member:
            for page in chosen:
                for device in TARGETS:
                    for user, browser in (("anonym", None), ("mitglied", member)):
                        if not (page.members if browser else page.public):
                            continue
                        result = Result(
                            page.name,
                            device,
                            user,
                            *lighthouse(site.url + page.path, device, browser),
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
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} fehlt: erst `npm ci` (make bench-lighthouse erledigt das).")
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
