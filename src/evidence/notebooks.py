"""Run the tagged analysis notebooks headlessly, in dependency order, and record the run.

    from evidence.notebooks import run_analysis
    run = run_analysis("project", corpus="corpora/sample", seed=42)
    run.manifest_path            # PROJECT/runs/RUN/manifest.json; the bundle is in PROJECT/results/

A notebook takes part when its metadata says so::

    {"evidence": {"tags": ["analysis"], "order": 1, "produces": ["themes"], "needs": ["codings"]}}

``needs`` names tables (or notebooks) other notebooks ``produce``; notebooks run after what they need,
ties broken by ``order`` then file name. Each notebook is executed with papermill on a kernel that runs
this very interpreter (``sys.executable``), with its ``parameters`` cell filled from the run's
parameters; the executed copy is saved in the run folder. A failing cell stops the run with a
:class:`NotebookFailed` naming the notebook, the cell and the error.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import EvidenceError, ProjectError

KERNEL_NAME = "evidence-python"
DEFAULT_TAG = "analysis"
STANDARD_PARAMETERS = ("project", "corpus", "codebook", "seed", "embedder", "run_dir")


class NotebookFailed(EvidenceError):
    """A cell of a notebook raised: names the notebook, the cell and the error, and the executed copy."""

    def __init__(self, notebook: str, cell: int, source: str, ename: str, evalue: str, executed: Path) -> None:
        self.notebook, self.cell, self.source = notebook, cell, source
        self.ename, self.evalue, self.executed = ename, evalue, executed
        first_line = next((line for line in source.splitlines() if line.strip()), "")
        super().__init__(
            f"notebook {notebook}, cell {cell} ({first_line.strip()[:80]!r}) failed: {ename}: {evalue}\n"
            f"  the executed copy with the full traceback is {executed}"
        )


@dataclass
class NotebookSpec:
    """One analysis notebook and what its metadata says about it."""

    path: Path
    tags: list[str] = field(default_factory=list)
    produces: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    order: int = 0
    parameters: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.stem


def default_notebooks_dir() -> Path:
    """``./notebooks`` when it exists, else the notebooks/ folder of the checkout this package runs from."""
    here = Path("notebooks")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "notebooks"


def read_spec(path: Path) -> NotebookSpec:
    """The ``evidence`` metadata and the parameter names of one notebook."""
    import nbformat
    import papermill

    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for a broken file
        raise EvidenceError(f"{path}: not a readable notebook ({exc})") from None
    meta = notebook.metadata.get("evidence") or {}
    if not isinstance(meta, dict):
        raise EvidenceError(f"{path}: metadata 'evidence' must be a mapping with tags, produces, needs, order")
    parameters = list(papermill.inspect_notebook(str(path)).keys())
    return NotebookSpec(path=path, tags=list(meta.get("tags") or []), produces=list(meta.get("produces") or []),
                        needs=list(meta.get("needs") or []), order=int(meta.get("order") or 0),
                        parameters=parameters)


def discover(folder: str | Path, tag: str | None = None) -> list[NotebookSpec]:
    """Tagged notebooks in ``folder`` in the order to run them; with ``tag``, those tagged so and what they need."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ProjectError(f"{folder}: no notebooks folder here; pass --notebooks DIR")
    specs = [read_spec(path) for path in sorted(folder.glob("*.ipynb"))]
    specs = [s for s in specs if s.tags]
    if tag is not None:
        chosen = [s for s in specs if tag in s.tags]
        if not chosen:
            known = sorted({t for s in specs for t in s.tags})
            raise EvidenceError(f"no notebook in {folder} is tagged {tag!r}; tags in use: {', '.join(known)}")
        specs = with_needs(chosen, specs)
    return dependency_order(specs)


def with_needs(chosen: list[NotebookSpec], available: list[NotebookSpec]) -> list[NotebookSpec]:
    """``chosen`` plus every notebook that produces something they need, transitively."""
    producers = _producers(available)
    selected = {s.path: s for s in chosen}
    queue = list(chosen)
    while queue:
        spec = queue.pop()
        for need in spec.needs:
            producer = producers.get(need)
            if producer is not None and producer.path not in selected:
                selected[producer.path] = producer
                queue.append(producer)
    return list(selected.values())


def _producers(specs: list[NotebookSpec]) -> dict[str, NotebookSpec]:
    producers: dict[str, NotebookSpec] = {}
    for spec in specs:
        producers[spec.name] = spec
        for table in spec.produces:
            if table in producers and producers[table] is not spec:
                raise EvidenceError(f"{table!r} is produced by both {producers[table].path.name} and "
                                    f"{spec.path.name}; one notebook must produce each table")
            producers[table] = spec
    return producers


def dependency_order(specs: list[NotebookSpec]) -> list[NotebookSpec]:
    """Notebooks after those producing what they need; among the ready ones, by ``order`` then file name."""
    import heapq

    producers = _producers(specs)
    waits_for = {s.name: {producers[n].name for n in s.needs if n in producers and producers[n] is not s}
                 for s in specs}
    by_name = {s.name: s for s in specs}
    ready = [(by_name[n].order, n) for n, deps in waits_for.items() if not deps]
    heapq.heapify(ready)
    ordered: list[NotebookSpec] = []
    while ready:
        _, name = heapq.heappop(ready)
        ordered.append(by_name[name])
        for other, deps in waits_for.items():
            if name in deps:
                deps.discard(name)
                if not deps:
                    heapq.heappush(ready, (by_name[other].order, other))
    if len(ordered) < len(specs):
        stuck = sorted(n for n, deps in waits_for.items() if deps)
        raise EvidenceError(f"the notebooks' needs form a cycle among: {', '.join(stuck)}")
    return ordered


# -- executing ----------------------------------------------------------------------------------------
def write_kernel_spec(folder: Path) -> Path:
    """A kernel spec that starts this interpreter (the .venv's python), seeded and offline.

    Written into a private folder and handed to jupyter_client directly, so a ``python3`` kernel
    installed elsewhere on the machine (a user's own Jupyter set-up) can never be picked instead.
    """
    spec_dir = folder / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (evidence workbench)",
        "language": "python",
        "metadata": {"supported_encryption": ["curve"]},
        "env": {"PYTHONHASHSEED": "0", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                "TOKENIZERS_PARALLELISM": "false", "MPLBACKEND": "agg"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return folder


def _kernel_manager(kernel_dir: Path) -> Any:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    # IPC sockets in the run's private kernel folder: nothing listens on the network, even on loopback
    return KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=str(kernel_dir / "kernel"),
                         kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)]))


def execute(spec: NotebookSpec, output: Path, parameters: dict[str, Any], *, kernel_dir: Path,
            cwd: Path | None = None, timeout: int | None = None) -> Path:
    """Execute one notebook with papermill into ``output``; a failing cell raises :class:`NotebookFailed`."""
    import logging

    import papermill
    from papermill.exceptions import PapermillExecutionError

    from evidence.progress import progress_wanted

    logging.getLogger("papermill").setLevel(logging.WARNING)
    given = {k: v for k, v in parameters.items() if k in spec.parameters}
    manager = _kernel_manager(kernel_dir)
    try:
        papermill.execute_notebook(
            str(spec.path), str(output), parameters=given, kernel_name=KERNEL_NAME,
            km=manager, progress_bar=progress_wanted(), cwd=str(cwd) if cwd else None,
            execution_timeout=timeout,
        )
    except PapermillExecutionError as exc:
        raise NotebookFailed(spec.path.name, _original_cell_number(output, exc.cell_index), exc.source,
                             exc.ename, exc.evalue, output) from None
    finally:
        if manager.has_kernel:  # nbclient leaves a kernel it did not create running; stop it
            manager.shutdown_kernel(now=True)
    return output


def _original_cell_number(executed: Path, index: int) -> int:
    """1-based number of the failing cell as the researcher sees it (papermill's injected cell left out)."""
    import nbformat

    try:
        cells = nbformat.read(executed, as_version=4).cells
    except (OSError, ValueError):
        return index + 1
    injected = sum(1 for cell in cells[:index] if "injected-parameters" in cell.get("metadata", {}).get("tags", []))
    return index - injected + 1


# -- a whole run --------------------------------------------------------------------------------------
@dataclass
class RunResult:
    run_id: str
    run_dir: Path
    manifest_path: Path
    results_dir: Path
    executed: list[Path]


def new_run_dir(runs_dir: Path) -> tuple[str, Path]:
    """A fresh run folder named by the UTC time it started (``20250101-120000``, then ``-2``, ``-3``...)."""
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    run_id, n = stamp, 2
    while True:
        try:
            (runs_dir / run_id).mkdir(parents=True)
            return run_id, runs_dir / run_id
        except FileExistsError:
            run_id, n = f"{stamp}-{n}", n + 1


def default_codebook(corpus: Path) -> Path | None:
    """``CORPUS/codebook.yaml``, else ``codebook.yaml`` beside the corpus folder (corpora/codebook.yaml)."""
    for candidate in (corpus / "codebook.yaml", corpus.parent / "codebook.yaml"):
        if candidate.is_file():
            return candidate
    return None


def run_analysis(project_dir: str | Path, corpus: str | Path, *, codebook: str | Path | None = None,
                 tag: str | None = None, seed: int | None = None, embedder: str | None = None,
                 notebooks: str | Path | None = None, parameters: dict[str, Any] | None = None,
                 report: Any = None, timeout: int | None = None) -> RunResult:
    """Execute the tagged notebooks on ``corpus`` into the project, publish the bundle, write the manifest."""
    from . import reproduce, results
    from .project import Project

    say = report or (lambda message: None)
    corpus = Path(corpus).resolve()
    if not corpus.is_dir():
        raise ProjectError(f"{corpus}: no corpus folder here; pass --corpus DIR (e.g. corpora/sample)")
    codebook_path = Path(codebook).resolve() if codebook else default_codebook(corpus)
    if codebook and not codebook_path.is_file():
        raise ProjectError(f"{codebook_path}: no such codebook file")
    notebooks_dir = Path(notebooks) if notebooks else default_notebooks_dir()
    specs = discover(notebooks_dir, tag)
    project = Project.init(project_dir)
    try:
        seed = project.seed if seed is None else int(seed)
        run_id, run_dir = new_run_dir(project.runs_dir)
        values = {
            "project": str(project.path.resolve()), "corpus": str(corpus),
            "codebook": str(codebook_path) if codebook_path else "", "seed": seed,
            "embedder": embedder or str(project.config.get("embedder") or ""), "run_dir": str(run_dir.resolve()),
            **(parameters or {}),
        }
        manifest = reproduce.new_manifest(run_id=run_id, corpus=corpus, codebook=codebook_path, specs=specs,
                                          notebooks_dir=notebooks_dir, parameters=values, tag=tag)
        manifest_path = run_dir / results.MANIFEST_NAME
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        results.clear_staged(project)
        record = project.store.start_run("run", {"run_id": run_id, "tag": tag or "", "seed": seed})
    finally:
        project.close()
    executed: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="evidence-kernel-") as kernel_dir:
        write_kernel_spec(Path(kernel_dir))
        try:
            for number, spec in enumerate(specs, 1):
                say(f"[{number}/{len(specs)}] {spec.path.name}")
                started = time.perf_counter()
                output = run_dir / spec.path.name
                execute(spec, output, values, kernel_dir=Path(kernel_dir), cwd=run_dir, timeout=timeout)
                executed.append(output)
                say(f"      done in {time.perf_counter() - started:.0f} s")
                _check_produced(spec, Path(values["project"]))
            if "tables" not in results.read_manifest(manifest_path):
                say("publishing the results bundle")
                with Project.open(values["project"]) as project:
                    results.publish(project, run_dir=run_dir)
        except BaseException as exc:
            _finish_record(values["project"], record, "failed", {"error": str(exc)[:2000]})
            raise
    _finish_record(values["project"], record, "ok", {"run_id": run_id})
    return RunResult(run_id, run_dir, manifest_path, Path(values["project"]) / "results", executed)


def _check_produced(spec: NotebookSpec, project_dir: Path) -> None:
    """Every staged table a notebook says it produces must be there once it has run."""
    from . import results
    from .project import Project

    staged_kind = [t for t in spec.produces if t in results.BUNDLE_TABLES
                   and results.BUNDLE_TABLES[t].source == "staged"]
    if not staged_kind:
        return
    with Project.open(project_dir) as project:
        present = set(results.staged(project))
    missing = [t for t in staged_kind if t not in present]
    if missing:
        raise EvidenceError(f"notebook {spec.path.name} says it produces {missing} but did not stage them; "
                            "call evidence.results.stage(project, NAME=frame) or fix its 'produces' metadata")


def _finish_record(project_dir: str, record: int, status: str, result: dict[str, Any]) -> None:
    from .project import Project

    with Project.open(project_dir) as project:
        project.store.finish_run(record, status, result)
