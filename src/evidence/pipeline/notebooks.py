"""Run the tagged analysis notebooks headlessly, in dependency order, and record the run.

    from evidence.pipeline.notebooks import run_analysis
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
from typing import TYPE_CHECKING, Any

from ..core.errors import EvidenceError, ProjectError
from ..core.files import atomic_path
from ..core.processes import clean_dead_kernel_folders, kernel_folder_prefix

if TYPE_CHECKING:
    from evidence.project import Project

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
    """The workbench's notebooks: the installed package's copy, else the checkout's (evidence.core.resources)."""
    from ..core.resources import notebooks_folder

    return Path(notebooks_folder()).resolve()


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

    from evidence.core.progress import progress_wanted

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


def run_analysis(project_dir: str | Path, corpus: str | Path, *, codebook: str | Path | None = None,
                 tag: str | None = None, seed: int | None = None, embedder: str | None = None,
                 notebooks: str | Path | None = None, parameters: dict[str, Any] | None = None,
                 report: Any = None, timeout: int | None = None) -> RunResult:
    """Execute the tagged notebooks on ``corpus`` into the project, publish the bundle, write the manifest.

    A run that fails (a cell raises, Ctrl+C) puts the project's store and pseudonym key back as they were
    before it started (the run folder keeps the executed notebooks and the failure is recorded).
    """
    from . import analysis
    from .. import bundle as results
    from . import manifest as manifest_of_run
    from ..project import Project

    say = report or (lambda message: None)
    corpus = Path(corpus).resolve()
    if not corpus.is_dir():
        raise ProjectError(f"{corpus}: no corpus folder here; pass --corpus DIR (see `evidence run --help` "
                           "for what goes in it)")
    if notebooks is None:  # the workbench's own notebooks need some text to analyse
        analysis.check_corpus(corpus)
    codebook_path, codebook_note = analysis.corpus_codebook(corpus, codebook)
    notebooks_dir = (Path(notebooks) if notebooks else default_notebooks_dir()).resolve()
    specs = discover(notebooks_dir, tag)
    project = Project.init(project_dir)
    try:
        project_path = project.path.resolve()
        seed = project.seed if seed is None else int(seed)
        run_id, run_dir = new_run_dir(project.runs_dir)
        run_dir = run_dir.resolve()
        values = {
            "project": str(project_path), "corpus": str(corpus), "codebook": str(codebook_path), "seed": seed,
            "embedder": embedder or str(project.config.get("embedder") or ""), "run_dir": str(run_dir),
            **(parameters or {}),
        }
        manifest = manifest_of_run.new_manifest(run_id=run_id, corpus=corpus, codebook=codebook_path, specs=specs,
                                          notebooks_dir=notebooks_dir, parameters=values, tag=tag)
        manifest_path = run_dir / results.MANIFEST_NAME
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        before = ProjectSnapshot.take(project, run_dir / ".before")
        results.clear_staged(project)
        if codebook_note:
            say(f"note: {codebook_note}")
            analysis.note(project, "codebook", codebook_note, echo=False)
        record = project.store.start_run("run", {"run_id": run_id, "tag": tag or "", "seed": seed})
    finally:
        project.close()
    executed: list[Path] = []
    said: set[tuple[str, str]] = {("codebook", codebook_note)}
    clean_dead_kernel_folders()  # left by runs that were killed
    with tempfile.TemporaryDirectory(prefix=kernel_folder_prefix()) as kernel_dir:
        write_kernel_spec(Path(kernel_dir))
        try:
            for number, spec in enumerate(specs, 1):
                say(f"[{number}/{len(specs)}] {spec.path.name}")
                started = time.perf_counter()
                output = run_dir / spec.path.name
                try:
                    execute(spec, output, values, kernel_dir=Path(kernel_dir), cwd=run_dir, timeout=timeout)
                finally:  # the executed copy keeps no real name (paths, printed ids), failed or not
                    if output.exists():
                        scrub_notebook(output, values["project"])
                executed.append(output)
                say(f"      done in {time.perf_counter() - started:.0f} s")
                said = _say_new_notes(project_path, said, say)
                _check_produced(spec, project_path)
            if "tables" not in results.read_manifest(manifest_path):
                say("publishing the results bundle")
                with Project.open(project_path) as project:
                    results.publish(project, run_dir=run_dir)
        except BaseException as exc:
            before.restore(project_path)
            say(f"the project is as it was before this run (its store and pseudonym key were put back); "
                f"the executed notebooks stay in {run_dir}")
            _record_failure(project_path, run_id, tag, seed, str(exc)[:2000])
            raise
        finally:
            before.discard()
    _finish_record(str(project_path), record, "ok", {"run_id": run_id})
    return RunResult(run_id, run_dir, manifest_path, project_path / "results", executed)


def _say_new_notes(project_dir: Path, said: set[tuple[str, str]], say: Any) -> set[tuple[str, str]]:
    """Say the notes (skipped steps) recorded since the last call; returns every note said so far."""
    from . import analysis
    from ..project import Project

    with Project.open(project_dir) as project:
        notes = analysis.run_notes(project)
    for step, text in zip(notes["step"], notes["note"]):
        if (step, text) not in said:
            say(f"      note ({step}): {text}")
            said = said | {(step, text)}
    return said


@dataclass
class ProjectSnapshot:
    """The project's store and pseudonym key as they were before a run, to put back if the run fails.

    The store is copied with SQLite's online backup (consistent even in WAL mode); fitted models the run
    added under ``models/`` are removed on restore. Caches (embeddings) are kept: they only save time.
    """

    folder: Path
    key_existed: bool
    models_before: set[str]

    KEY = ("private", "pseudonym-key.json")

    @classmethod
    def take(cls, project: Project, folder: Path) -> ProjectSnapshot:
        import shutil

        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)  # the key copy is as private as the key
        project.store.backup_to(folder / "evidence.sqlite")
        key = Path(project.path).joinpath(*cls.KEY)
        if key.exists():
            shutil.copy2(key, folder / "pseudonym-key.json")
        models = Path(project.path) / "models"
        present = {str(p.relative_to(models)) for p in models.rglob("*")} if models.is_dir() else set()
        return cls(folder, key.exists(), present)

    def restore(self, project_dir: Path) -> None:
        import shutil

        from ..store import copy_store

        copy_store(self.folder / "evidence.sqlite", project_dir / "evidence.sqlite")
        key = project_dir.joinpath(*self.KEY)
        if self.key_existed:
            with atomic_path(key, mode=0o600) as temp:
                shutil.copy2(self.folder / "pseudonym-key.json", temp)
        elif key.exists():
            key.unlink()
        models = project_dir / "models"
        if models.is_dir():
            added = [p for p in models.rglob("*") if str(p.relative_to(models)) not in self.models_before]
            for path in sorted(added, key=lambda p: len(p.parts), reverse=True):
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)

    def discard(self) -> None:
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)


def _record_failure(project_dir: Path, run_id: str, tag: str | None, seed: int, error: str) -> None:
    from ..project import Project

    with Project.open(project_dir) as project:
        record = project.store.start_run("run", {"run_id": run_id, "tag": tag or "", "seed": seed})
        project.store.finish_run(record, "failed", {"error": error})


def scrub_notebook(path: Path, project_dir: str | Path) -> int:
    from ..privacy.paths import scrub_notebook as scrub

    return scrub(path, project_dir)


def _check_produced(spec: NotebookSpec, project_dir: Path) -> None:
    """Every staged table a notebook says it produces must be there once it has run."""
    from .. import bundle as results
    from ..project import Project

    from .analysis import run_notes

    staged_kind = [t for t in spec.produces if t in results.BUNDLE_TABLES
                   and results.BUNDLE_TABLES[t].source == "staged"]
    if not staged_kind:
        return
    with Project.open(project_dir) as project:
        present = set(results.staged(project))
        skipped = {t for tables in run_notes(project)["tables"] for t in str(tables or "").split(",") if t}
    present |= skipped
    missing = [t for t in staged_kind if t not in present]
    if missing:
        raise EvidenceError(f"notebook {spec.path.name} says it produces {missing} but did not stage them; "
                            "call evidence.bundle.stage(project, NAME=frame) or fix its 'produces' metadata")


def _finish_record(project_dir: str, record: int, status: str, result: dict[str, Any]) -> None:
    from ..project import Project

    with Project.open(project_dir) as project:
        project.store.finish_run(record, status, result)
