"""The web page: self-contained, and rendered by headless Chromium with the figures visible.

Chromium is Debian's ``chromium`` package; ``.ci/run`` installs it. Without it (a developer's
machine) the rendering tests skip, but never in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kexie_core.documents.html_writer import render_html
from kexie_core.documents.sample import sample_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (CI installs it)",
)


class _Refs(HTMLParser):
    """Every URL-bearing attribute and tag of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "action", "poster"} and value:
                self.refs.append(value)


def test_page_is_self_contained() -> None:
    page = render_html(sample_report())
    refs = _Refs()
    refs.feed(page)
    assert refs.refs == []
    assert not {"script", "link", "iframe", "img", "object"} & refs.tags
    assert "url(" not in page and "@import" not in page
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert f'content="{csp}"' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


def test_page_escapes_text() -> None:
    from dataclasses import replace

    report = replace(sample_report(), narrative="<script>alert(1)</script>")
    page = render_html(report)
    assert "<script>" not in page and "&lt;script&gt;" in page


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM, "chromium is required in CI: see .ci/run"
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _console_problems(stderr: str) -> list[str]:
    """Console messages Chromium logs for a page (CSP refusals, failed loads, script errors):
    the page runs no script, so any console line at all is a problem."""
    return [
        line
        for line in stderr.splitlines()
        if "CONSOLE" in line or "Refused to" in line or "net::ERR" in line
    ]


@needs_chromium
def test_chromium_renders_the_figures_without_errors(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(sample_report()), encoding="utf-8")
    done = _chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr
    assert _console_problems(done.stderr) == []
    dom = done.stdout
    text = re.sub(r"<[^>]+>", " ", dom)
    # Headline cards, metric table cells, coverage gauges, the children's bars, the trend.
    assert "沂水县科协2026年第三季度工作报告" in text
    assert re.search(r'data-metric="members".*?>\s*1280\s*<', dom, re.S)
    for figure in ("1280", "106.7%", "62.5%", "45.0%", "18/40", "沂城街道科协", "420"):
        assert figure in text, figure
    assert dom.count('class="bar"') == 2
    assert dom.count('class="arc"') == 2  # gauges for the two categories that have hosts
    assert "2025Q4" in text and "1100" in text  # trend over periods

    shot = tmp_path / "phone.png"
    done = _chromium(
        "--window-size=390,1600", f"--screenshot={shot}", page.as_uri(), profile=tmp_path / "p2"
    )
    assert done.returncode == 0, done.stderr
    assert _console_problems(done.stderr) == []
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (390, 1600)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # drawn text and charts, not a blank page


@needs_chromium
def test_the_check_would_see_a_request(tmp_path: Path) -> None:
    """The control: a page that tries to load something is refused and logged."""
    page = tmp_path / "leaky.html"
    html = render_html(sample_report()).replace(
        "</main>", '<img src="http://127.0.0.1:9/logo.png" alt="x"></main>'
    )
    page.write_text(html, encoding="utf-8")
    done = _chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    problems = _console_problems(done.stderr)
    assert any("Content Security Policy" in line and "127.0.0.1:9" in line for line in problems)
