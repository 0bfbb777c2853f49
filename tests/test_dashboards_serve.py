"""`evidence dashboards` as a person starts and stops it: from inside a project folder with no --project
(relative paths everywhere), every page answers 200 with its content; SIGTERM, SIGINT or SIGHUP stop Voila
and every kernel it started and free the port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from dashboard_other_bundle import build_other_bundle

from evidence.dashboard import DASHBOARDS, dashboard_module
from evidence.dashboard.serve import free_port

pytestmark = pytest.mark.slow  # builds a bundle through the CLI and starts `evidence dashboards`: minutes

START_TIMEOUT = 120


@pytest.fixture(scope="module")
def other_bundle(tmp_path_factory) -> Path:
    """The second corpus (tests/dashboard_other_bundle.py) as a project folder with its results bundle."""
    return build_other_bundle(tmp_path_factory.mktemp("served"))


def start_in(folder: Path, port: int) -> subprocess.Popen:
    """`evidence dashboards --port PORT` run in ``folder`` with no --project and no $EVIDENCE_PROJECT."""
    env = {k: v for k, v in os.environ.items() if k != "EVIDENCE_PROJECT"}
    process = subprocess.Popen([sys.executable, "-m", "evidence", "dashboards", "--port", str(port)], cwd=folder,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("dashboards at"):
            return process
        if not line and process.poll() is not None:
            raise AssertionError(f"evidence dashboards stopped (exit {process.returncode})")
    process.kill()
    raise AssertionError("evidence dashboards did not print its address")


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def visit(port: int, name: str) -> tuple[int, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/{name}.ipynb", timeout=180) as response:
        return response.status, response.read().decode("utf-8", "replace")


def stop_and_check(process: subprocess.Popen, port: int, signum: int) -> None:
    """Send ``signum``; the command exits, the port is free and none of its processes (Voila, kernels) remain."""
    started = psutil.Process(process.pid).children(recursive=True)
    assert started, "Voila was not running"
    process.send_signal(signum)
    assert process.wait(60) == 0
    _, alive = psutil.wait_procs(started, timeout=10)
    assert not alive, f"left running: {[(p.pid, p.cmdline()) for p in alive]}"
    assert port_is_free(port)


def test_dashboards_from_inside_the_project_answer_with_content_then_sigterm_stops_everything(other_bundle):
    port = free_port()
    process = start_in(other_bundle, port)
    try:
        for name in DASHBOARDS:
            status, page = visit(port, name)
            assert status == 200
            assert dashboard_module(name).TITLE in page
            assert "TemplateNotFound" not in page and "Traceback" not in page
            assert "application/vnd.jupyter.widget-view+json" in page, f"{name}: the dashboard's cell showed nothing"
        kernels = [p for p in psutil.Process(process.pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
        assert kernels, "no kernel ran the pages"
        stop_and_check(process, port, signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGINT])
def test_sighup_and_sigint_stop_voila_and_its_kernels(other_bundle, signum):
    port = free_port()
    process = start_in(other_bundle, port)
    try:
        stop_and_check(process, port, signum)
    finally:
        if process.poll() is None:
            process.kill()
