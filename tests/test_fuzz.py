"""A short fuzzing budget over every reader (the long one is bench/fuzz.py): broken and hostile variants
of small valid files are read or refused with the workbench's own error -- never a traceback or a hang."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import fuzz  # noqa: E402

EXAMPLES = 8  # per format: 13 formats, about 100 inputs, well under a minute of CPU


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    made = fuzz.Harness(tmp_path_factory.mktemp("fuzz"), limit=30.0)
    yield made
    made.close()


@pytest.mark.parametrize("kind", fuzz.FORMATS)
def test_every_reader_survives_fuzzing(harness, kind):
    tally = fuzz.fuzz(harness, [kind], EXAMPLES, seed=18)
    assert tally.tried[kind] >= EXAMPLES // 2
    problems = [(k, digest, problem) for k, digest, problem, _ in tally.failures if k == kind]
    assert not problems, problems


@pytest.mark.parametrize("kind", fuzz.FORMATS)
def test_seeds_are_valid_so_fuzzing_starts_from_real_files(harness, kind):
    """Each seed is read, not refused: mutations start from something the reader accepts."""
    for data in fuzz.seeds()[kind]:
        if kind == "csv" and b";" in data:
            continue  # the semicolon seed with a cp1252 accent is there to be refused or read, either is fine
        path = harness.path_for(kind)
        path.write_bytes(fuzz._qdpx(data) if kind == "qde" else data)
        harness.target(kind)(path)


def test_known_crashers_are_refused_cleanly(harness):
    """Inputs the long run once found escaping: now a one-line workbench error."""
    from evidence.core.errors import EvidenceError

    qdc = fuzz._qdc().replace(b'encoding="utf-8"', b'encoding="uvf-8"')
    path = harness.path_for("qdc")
    path.write_bytes(qdc)
    with pytest.raises(EvidenceError, match="encoding"):
        harness.target("qdc")(path)


def test_mutations_change_inputs_and_can_reach_zip_members():
    seed = fuzz.seeds()["docx"][0]
    mutated = fuzz.mutate_zip(seed, 3, [("insert", 10, 1, 23)])
    assert mutated != seed
    assert fuzz.mutate(b"abc", [("insert", 1, 0, 0)]) == b'a"bc'


@pytest.mark.parametrize("sidecar", [b"title: Club\nspeakers:\n  Nia Holt Rowd Together\n", b"speakers: [a, b]\n",
                                     b"columns: just text\n"])
def test_sidecar_of_the_wrong_shape_is_refused(harness, sidecar):
    """Found by the long run: ``speakers:`` holding text instead of Name: role lines gave AttributeError."""
    from evidence.core.errors import InputError

    path = harness.path_for("sidecar")
    path.write_bytes(sidecar)
    with pytest.raises(InputError, match="must be a mapping"):
        harness.target("sidecar")(path)
