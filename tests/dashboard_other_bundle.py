"""A results bundle unlike the sample, built in the test through the real commands.

A reading-volunteers programme in two primary schools: its own codebook (no dashboard metadata, so no
"features" or "warning signs"), its own coder (``mina``), two roundtable transcripts with speakers, a
pupil quote table with no waves, no outcomes, no KS4 table and no BERTopic themes. The corpus is
ingested with ``evidence ingest`` run in the project folder with relative paths (the current folder as
project), and published with :func:`evidence.bundle.publish` as ``evidence run`` would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CODEBOOK = """\
codebook: Reading volunteers (test)
codes:
  - id: reading
    name: Reading for pleasure
    definition: Pupils choosing to read and enjoying it.
    children:
      - id: reading.choice
        name: Choosing books
        definition: Pupils pick their own books.
      - id: reading.aloud
        name: Reading aloud
        definition: Pupils read aloud to a volunteer.
  - id: logistics
    name: Logistics
    definition: Practical arrangements of the sessions.
    children:
      - id: logistics.rooms
        name: Finding a room
        definition: A quiet room for the sessions.
"""

TRANSCRIPT_A = """\
---
title: Volunteers roundtable, Brook Primary
school: Brook Primary
partnership: Reading Friends
speakers:
  Ola: volunteer
  Tam: teacher
---
Ola: The children pick their own books now and they read aloud to me every week.
Tam: We never had a quiet room, so the sessions moved around the building.
Ola: Reading aloud got easier for the shy ones.
Tam: Choosing books from the van was the highlight for many of them.
"""

TRANSCRIPT_B = """\
---
title: Volunteers roundtable, Hill Primary
school: Hill Primary
partnership: Reading Friends
speakers:
  Rue: volunteer
  Vic: headteacher
---
Rue: Finding a room was the hardest part of every visit.
Vic: They choose books themselves and take them home.
"""

QUOTES = """\
ref,reply,learner,school
q1,I like choosing my own book.,L1,Brook Primary
q2,I read aloud to Ola every Tuesday.,L2,Brook Primary
q3,The library room is nice and quiet.,L3,Hill Primary
q4,Reading is boring.,L4,Hill Primary
"""

# (segment text fragment, code): the coder mina's own codings
CODINGS = [
    ("pick their own books", "reading.choice"), ("read aloud to me", "reading.aloud"),
    ("quiet room", "logistics.rooms"), ("Reading aloud got easier", "reading.aloud"),
    ("Choosing books from the van", "reading.choice"), ("Finding a room", "logistics.rooms"),
    ("choose books themselves", "reading.choice"), ("choosing my own book", "reading.choice"),
    ("read aloud to", "reading.aloud"), ("library room", "logistics.rooms"),
]


def evidence(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "evidence", *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "EVIDENCE_PROJECT": ""}, timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout
    return result


def build_other_bundle(folder: str | Path) -> Path:
    """Write the corpus into ``folder/corpus``, make ``folder/project`` from it and publish; returns the project."""
    from evidence import bundle
    from evidence.core.model import Coding
    from evidence.project import Project

    folder = Path(folder)
    corpus = folder / "project" / "corpus"
    (corpus / "transcripts").mkdir(parents=True)
    (corpus / "transcripts" / "brook.txt").write_text(TRANSCRIPT_A, encoding="utf-8")
    (corpus / "transcripts" / "hill.txt").write_text(TRANSCRIPT_B, encoding="utf-8")
    (corpus / "answers.csv").write_text(QUOTES, encoding="utf-8")
    (corpus / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (corpus / "roster.csv").write_text("name,kind,aliases\nOla,speaker,\nTam,speaker,\nRue,speaker,\n"
                                       "Vic,speaker,\n", encoding="utf-8")
    project_dir = folder / "project"
    evidence("init", cwd=project_dir)
    evidence("ingest", "--roster", "corpus/roster.csv", "--columns", "id=ref,text=reply,pupil=learner",
             "corpus/transcripts", "corpus/answers.csv", cwd=project_dir)
    evidence("codebook", "load", "corpus/codebook.yaml", cwd=project_dir)
    with Project.open(project_dir) as project:
        segments = project.segments()
        units = segments[segments["kind"].isin(["quote", "turn"])]
        codings = []
        for fragment, code in CODINGS:
            for unit in units.loc[units["text"].str.contains(fragment, regex=False), "id"]:
                codings.append(Coding(segment=unit, code=code, coder="mina"))
        project.add_codings(codings)
        bundle.publish(project)
    return project_dir
