"""Serve dashboards/*.ipynb with Voila on this machine only (127.0.0.1), reading one project's bundle.

Voila passes no arguments to a notebook, so the project folder travels in ``$EVIDENCE_PROJECT``. The
server runs the notebooks on the python3 kernel of the interpreter running this code, hides code cells
(``strip_sources``), keeps one kernel per dashboard pre-heated so a page opens quickly, and fetches
nothing from the network: no browser is opened, and a small template (:data:`TEMPLATE`) drops the two
font stylesheets Voila's lab template loads from a CDN (MathJax is off in that template already).
The template's static folder also holds one copy of plotly's widget bundle, which every chart on a page
imports from there (see :mod:`.charts`) instead of each chart sending its own 5 MB copy.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import EvidenceError
from ..core.files import atomic_path
from .bundle import PROJECT_ENV, check_bundle, results_folder
from .charts import SHARED_BUNDLE_ENV

TEMPLATE_NAME = "evidence"
CDN_LINKS = (
    '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/all.min.css" '
    'type="text/css" />',
    '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/v4-shims.min.css" '
    'type="text/css" />',
)
TEMPLATE = "{%- extends 'lab/index.html.j2' -%}\n{%- block notebook_css -%}\n{%- set css = super() -%}\n{{ css" + "".join(
    f" | replace('{link}', '')" for link in CDN_LINKS) + " }}\n{%- endblock notebook_css -%}\n"
"""Voila's lab template without its CDN stylesheets (the dashboards use no icon fonts)."""
PRELOAD = ("{%- block html_head_js -%}\n{{ super() }}\n<script type=\"module\" async>import BUNDLE;</script>\n"
           "{%- endblock html_head_js -%}\n")
"""Head of the page: start fetching and evaluating the shared plotly bundle while the notebook still runs."""
CULL_IDLE_SECONDS = 120
"""A kernel whose page was closed (no connection) is shut down after this many idle seconds."""
CULL_INTERVAL_SECONDS = 30
STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")
"""Signals on which ``evidence dashboards`` stops Voila and every kernel it started."""


@dataclass
class VoilaServer:
    """A running Voila: its process, URL and the folder it serves."""

    process: subprocess.Popen
    url: str
    notebooks: Path

    def page(self, name: str) -> str:
        return f"{self.url}voila/render/{name}.ipynb"

    def stop(self, timeout: float = 15) -> None:
        """Stop the server and its kernels: SIGTERM (Voila then shuts its kernels down), kill what lingers.

        Kernels run in sessions of their own, so the server's process group does not reach them; they are
        found as the server's child processes before it stops and killed if Voila left any behind.
        """
        children = self.children()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        _stop_processes(children, timeout=5)

    def children(self) -> list:
        """The server's live child processes (its kernels), as psutil handles."""
        import psutil

        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []


def _stop_processes(processes: list, timeout: float) -> None:
    """SIGTERM, then SIGKILL after ``timeout`` seconds, for processes still running."""
    import psutil

    alive = [p for p in processes if p.is_running()]
    for process in alive:
        try:
            process.terminate()
        except psutil.NoSuchProcess:
            pass
    _, lingering = psutil.wait_procs(alive, timeout=timeout)
    for process in lingering:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(lingering, timeout=timeout)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def template_root(folder: Path, shared_bundle: str = "") -> Path:
    """Write the template into ``folder/voila/templates/evidence`` (a JUPYTER_PATH entry); returns ``folder``.
    With ``shared_bundle`` (a path from :func:`share_plotly_bundle`) the page loads that bundle from its head."""
    import json

    target = folder / "voila" / "templates" / TEMPLATE_NAME
    target.mkdir(parents=True, exist_ok=True)
    (target / "conf.json").write_text('{"base_template": "lab"}\n', encoding="utf-8")
    text = TEMPLATE + (PRELOAD.replace("BUNDLE", json.dumps(shared_bundle)) if shared_bundle else "")
    (target / "index.html.j2").write_text(text, encoding="utf-8")
    return folder


def share_plotly_bundle(folder: Path) -> str:
    """Copy plotly's widget bundle into the template's static folder under ``folder`` (see :func:`template_root`);
    returns the path Voila serves it at (``/voila/static/...``)."""
    from importlib.metadata import version
    from importlib.util import find_spec

    spec = find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise EvidenceError("plotly is not installed in this environment; install the project's dependencies")
    source = Path(list(spec.submodule_search_locations)[0]) / "package_data" / "widgetbundle.js"
    name = f"plotly-widget-{version('plotly')}.js"
    static = folder / "voila" / "templates" / TEMPLATE_NAME / "static"
    static.mkdir(parents=True, exist_ok=True)
    target = static / name
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        with atomic_path(target) as temp:
            shutil.copyfile(source, temp)
    return f"/voila/static/{name}"


def notebooks_folder(project_dir: Path, given: str | Path | None = None) -> Path:
    """The notebooks to serve: the given folder, the repository's dashboards/, or a fresh copy in the project."""
    if given is not None:
        folder = Path(given).expanduser().resolve()
        if not any(folder.glob("*.ipynb")):
            raise EvidenceError(f"{folder}: no dashboard notebooks (.ipynb) here")
        return folder
    from ..core.resources import dashboards_folder

    if any(dashboards_folder().glob("*.ipynb")):
        return dashboards_folder().resolve()
    from .notebooks import write_notebooks

    folder = project_dir / "cache" / "dashboards"
    write_notebooks(folder)
    return folder


def voila_command(notebooks: Path, port: int, *, preheat: bool = True) -> list[str]:
    """The Voila command line (see module docstring for why each option)."""
    return [
        sys.executable, "-m", "voila", str(notebooks),
        "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        f"--template={TEMPLATE_NAME}", "--strip_sources=True", "--show_tracebacks=False",
        f"--preheat_kernel={preheat}", "--pool_size=1" if preheat else "--pool_size=0",
        "--VoilaExecutor.kernel_name=python3",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
        "--MappingKernelManager.cull_connected=False",
    ]


def start(project: str | Path | None = None, *, port: int | None = None, notebooks: str | Path | None = None,
          preheat: bool = True, quiet: bool = True) -> VoilaServer:
    """Start Voila for a project that has a results bundle; returns once the server answers.

    Every path handed to Voila is absolute: Voila runs inside the notebooks' folder, so a relative
    project (``--project .`` or the default, the current folder) would point somewhere else there.
    """
    bundle = results_folder(project).resolve()
    check_bundle(bundle)
    project_dir = bundle.parent if bundle.name == "results" else bundle
    folder = notebooks_folder(project_dir, notebooks)
    port = port or free_port()
    env = dict(os.environ)
    env[PROJECT_ENV] = str(project_dir)
    templates = project_dir / "cache" / "voila"
    env[SHARED_BUNDLE_ENV] = share_plotly_bundle(templates)
    template_root(templates, env[SHARED_BUNDLE_ENV])
    roots = [str(templates), str(Path(sys.prefix) / "share" / "jupyter")]
    env["JUPYTER_PATH"] = os.pathsep.join(roots + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p])
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(voila_command(folder, port, preheat=preheat), env=env, cwd=str(folder),
                               stdout=output, stderr=output, start_new_session=True)
    server = VoilaServer(process, f"http://127.0.0.1:{port}/", folder)
    try:
        wait_until_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def wait_until_ready(server: VoilaServer, timeout: float = 90) -> None:
    """Poll the server's front page until it answers (EvidenceError if it dies or times out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise EvidenceError(f"Voila stopped at start (exit code {server.process.returncode}); run "
                                f"`{' '.join(server.process.args)}` to see why")
        try:
            with urllib.request.urlopen(server.url, timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise EvidenceError(f"Voila did not answer at {server.url} within {timeout:.0f} s")
