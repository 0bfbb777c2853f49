"""Overlapping findings: the longest wins, as a brute-force check over every pair would decide."""

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.privacy.detect import Finding, resolve_overlaps

DETECTORS = ["pattern", "roster", "ner", "phonenumbers"]


def _brute_force(findings):
    def rank(f):
        detector = 2 if f.detector == "ner" else (0 if f.detector in ("pattern", "phonenumbers") else 1)
        return (-(f.end - f.start), detector, f.start)

    kept = []
    for finding in sorted(findings, key=rank):
        if finding.end <= finding.start:
            continue
        if any(finding.start < k.end and k.start < finding.end for k in kept):
            continue
        kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12), st.sampled_from(DETECTORS)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(spans)
def test_resolve_overlaps_equals_the_pairwise_check(raw):
    findings = [Finding(start, start + length, "name", detector, f"person:{k}")
                for k, (start, length, detector) in enumerate(raw)]
    kept = resolve_overlaps(findings)
    assert kept == _brute_force(findings)
    assert all(a.end <= b.start for a, b in zip(kept, kept[1:]))


def test_a_transcript_with_many_names_is_resolved_in_one_pass():
    # 200,000 findings, each clashing with its neighbour: the pairwise check took minutes on a long
    # transcript; a bisection keeps it to a fraction of a second (no timing asserted: the count is)
    findings = [Finding(i * 10, i * 10 + 12, "name", "roster", f"person:{i}") for i in range(200_000)]
    kept = resolve_overlaps(findings)
    assert len(kept) == 100_000 and kept[0].start == 0 and kept[1].start == 20
