"""`greenprompt report`: a self-contained HTML page opened for real in headless Chromium
with the network cut off, and static PNG/SVG charts."""

import html
import json
import re
import shutil
import subprocess

import pytest

from conftest import EXAMPLE
from fakes import invoke

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--proxy-server=127.0.0.1:9", "--virtual-time-budget=8000",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    store = tmp / "runs.db"
    run = invoke("compare", str(EXAMPLE), "--limit", "2", "--json", "--store", str(store), "--min-quality", "0")
    doc = json.loads(run.stdout)
    invoke("report", doc["run_id"], "--store", str(store), "--html", str(tmp / "r.html"),
           "--png", str(tmp / "r.png"), "--svg", str(tmp / "r.svg"))
    return tmp, doc


def test_html_is_self_contained(report):
    tmp, doc = report
    page = (tmp / "r.html").read_text()
    assert "greenprompt-frontier" in page and doc["run_id"] in page
    assert not re.search(r"<script[^>]+src=", page), "every script must be inline"
    assert not re.search(r"<link[^>]+href=[\"']https?:", page)
    for v in doc["variants"]:
        assert v["name"] in page
    assert page.count("<tr><td>") >= doc["totals"]["generations"]  # the per-item view
    # what the experiment cost and when it pays back, as the terminal says it
    footprint = re.search(r"<p id='footprint'[^>]*>(.*?)</p>", page).group(1)
    assert footprint.startswith("Experiment footprint: ") and "model load" in footprint
    payback = doc["experiment"]["payback_queries"]
    assert (f"Payback: {payback:,.0f} production queries" if payback is not None else "Payback: none (") in footprint
    assert html.escape(doc["experiment"]["payback_reason"]) in footprint


def test_static_images(report):
    tmp, _ = report
    assert (tmp / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and (tmp / "r.png").stat().st_size > 5000
    assert "<svg" in (tmp / "r.svg").read_text()[:2000]


def _chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, "Chromium is needed for this test: `bash scripts/setup.sh --test` installs Debian's chromium"
    return exe


def _offline(cmd):
    """Run without any network: a new network namespace where that is allowed, and a dead proxy anyway."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n", *cmd]
    return cmd


def test_chart_renders_in_headless_chromium_offline(report):
    tmp, doc = report
    exe = _chromium()
    url = (tmp / "r.html").as_uri()
    dom = subprocess.run(
        _offline([exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp / 'profile-dom'}", "--dump-dom", url]),
        capture_output=True, text=True, timeout=120,
    ).stdout
    plotted = [v for v in doc["variants"] if v["gco2e"] is not None]
    assert 'id="greenprompt-frontier"' in dom
    # plotly drew one marker per variant (a <path class="point"> each) once its inline script ran
    assert dom.count('class="point"') == len(plotted), dom.count('class="point"')
    shot = tmp / "shot.png"
    subprocess.run(
        _offline([exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp / 'profile-shot'}", "--window-size=1200,1400",
                  f"--screenshot={shot}", url]),
        capture_output=True, timeout=120,
    )
    assert shot.read_bytes()[:4] == b"\x89PNG" and shot.stat().st_size > 20_000


def test_report_bad_input(report, tmp_path):
    tmp, doc = report
    nothing = invoke("report", doc["run_id"], "--store", str(tmp / "runs.db"), code=2)
    assert "nothing to write" in nothing.stderr
    bad = invoke("report", doc["run_id"], "--store", str(tmp / "runs.db"), "--png", str(tmp_path / "x.gif"), code=2)
    assert ".png or .svg" in bad.stderr
