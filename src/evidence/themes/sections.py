"""Discussion sections: split a roundtable's turns into contiguous stretches of one agenda item.

Three methods over the turn embeddings, all deterministic:

``texttiling``
    Hearst's TextTiling on embeddings: the similarity between the ``window`` turns before and after
    each gap, boundaries at the deepest valleys (depth above mean + std/2 of all depths), sections
    at least 5 turns long.
``changepoint``
    kernel change-point detection (``ruptures.KernelCPD``, cosine kernel, penalty 1.0).
``hybrid`` (default)
    Procedural turns ("Thank you.", "Can you hear me?") are set aside (they join the section
    before them), each other turn's embedding is averaged with its two neighbours, there are
    round(:data:`SECTIONS_PER_SQRT_WORD` x sqrt(words spoken)) sections at most (TextTiling's count when
    the texts are not given), fewer where the talk stops changing (the elbow of the cost curve: each
    boundary must lower the cost by the mean gain of the first max(2 x count, 10)), placed where they
    split the turns best (KernelCPD's cosine cost, exact dynamic programming, sections at least 5
    turns). The chair's cues then have the last word: a turn that opens by naming an item ("next
    item", "item 4", "docket number 0712", at a hearing "the next witness is", "may I call") or, in a
    meeting that names none, by moving on ("moving on to", not "to page 12"; "that brings us to";
    "let's turn to") always opens a section (:func:`agenda_cues`), and a boundary within 3 turns moves
    to it (one within 5 gives way). Where a meeting names its items, "let's move on to ..." is a new
    line of questions inside one item and is not a cue. A meeting that names at least 3 items, or has
    as many cues as its length suggests sections (a clerk reading the agenda out), is split at its
    cues alone.
Measured against human agendas (bench/themes.py, adjusted Rand index, mean over meetings): on
TinyRec's real recorded meetings (5 dev, 16 test) the first hybrid (TextTiling's count) scored 0.25;
one section per 400 words 0.44 (dev) and 0.37 (test); this method 0.58 (dev) and 0.47 (test) (0.58
and 0.49 without the elbow), where the same placement with the true number of items scores 0.61 and
0.49: on the test meetings the placement, not the count, is the limit (few TinyRec meetings have a
chair or cues). On two real Boston City Council meetings (1,922 sentences, 69 items a person marked)
0.81, where the same method without cues scored 0.38 (0.77 when "moving on to" still counted beside
the dockets). On 22 days of the UK Covid-19 Inquiry's hearings (19,880 turns, one item per witness, 4-5
a day) 0.72: 0.52 with no cues, 0.45 when counsel's "let's move on to" opened sections too; cutting
each day into the true number of equal parts scores 0.55. On the sample roundtables 0.71 (0.60 without cues;
change-point alone 0.75: written agendas with clean breaks). Real meetings drift between items
without a clean break, so these figures stay below what a person gets.

    sections, assignments = find_sections(turns, vectors)
    label_sections(sections, assignments, turns, codings=..., themes=...)
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from evidence.core.errors import InputError, NotEnoughDataError

SECTION_COLUMNS = ["section", "start_turn", "end_turn", "n_turns", "label"]
MIN_SECTION_TURNS = 5  # measured on the sample roundtables (bench/themes.py)
#: sections per square root of the words spoken: longer meetings have more items, but fewer than their
#: length alone suggests (they dwell longer on each). Tuned on TinyRec's 5 dev meetings and the sample
#: (0.08 scored best on dev, 0.584 at 0.09, but fell to 0.47 on the sample, 0.60 at 0.09):
#: a 2,000-word meeting gets 4 sections, a 5,000-word one 6, a 12,000-word one 10.
SECTIONS_PER_SQRT_WORD = 0.09


def _block_similarity(vectors: np.ndarray, window: int) -> np.ndarray:
    """Cosine similarity of the mean of ``window`` turns before and after each gap (n - 1 gaps)."""
    n = len(vectors)
    sims = np.zeros(n - 1)
    for gap in range(1, n):
        left = vectors[max(0, gap - window):gap].mean(axis=0)
        right = vectors[gap:min(n, gap + window)].mean(axis=0)
        denom = (np.linalg.norm(left) * np.linalg.norm(right)) or 1.0
        sims[gap - 1] = float(left @ right / denom)
    return sims


def texttiling_boundaries(vectors: np.ndarray, window: int = 4,
                          min_turns: int = MIN_SECTION_TURNS, strictness: float = 0.5) -> list[int]:
    """Turn indices where a new section starts (TextTiling depth scores on embeddings)."""
    n = len(vectors)
    if n < 2 * min_turns:
        return []
    sims = _block_similarity(vectors, window)
    # light smoothing, as TextTiling does, so single odd turns do not make valleys
    sims = np.convolve(np.pad(sims, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    depths = np.zeros_like(sims)
    for i, s in enumerate(sims):
        left = sims[: i + 1].max()   # highest peak reachable to the left
        right = sims[i:].max()
        depths[i] = (left - s) + (right - s)
    cutoff = depths.mean() + strictness * depths.std()  # Hearst used -0.5: many short sections
    candidates = [i for i in range(len(sims))
                  if depths[i] > cutoff and depths[i] > 0
                  and (i == 0 or sims[i] <= sims[i - 1]) and (i == len(sims) - 1 or sims[i] <= sims[i + 1])]
    chosen: list[int] = []
    for gap in sorted(candidates, key=lambda i: (-depths[i], i)):  # deepest first
        start = gap + 1
        if start < min_turns or n - start < min_turns:
            continue
        if all(abs(start - other) >= min_turns for other in chosen):
            chosen.append(start)
    return sorted(chosen)


def changepoint_boundaries(vectors: np.ndarray, min_turns: int = MIN_SECTION_TURNS,
                           penalty: float | None = None) -> list[int]:
    """Turn indices where a new section starts (ruptures KernelCPD, cosine kernel)."""
    n = len(vectors)
    if n < 2 * min_turns:
        return []
    pen = penalty if penalty is not None else 1.0
    return [e for e in _kernel_cpd(vectors, min_turns, pen=pen) if e < n]


#: most points KernelCPD sees at once: its exact search keeps an n x n kernel matrix (2,000 turns: 32 MB;
#: a 90,000-turn transcript would need 65 GB), so longer talk is cut into blocks of neighbouring turns
MAX_CPD_POINTS = 2000


def _kernel_cpd(points: np.ndarray, min_size: int, *, n_bkps: int | None = None,
                pen: float | None = None) -> list[int]:
    """ruptures KernelCPD (cosine) break indices ending with len(points); over :data:`MAX_CPD_POINTS`
    points it runs on the means of blocks of consecutive points and maps the breaks back."""
    import ruptures

    m = len(points)
    size = -(-m // MAX_CPD_POINTS)  # points per block
    if size > 1:
        blocks = np.add.reduceat(points, np.arange(0, m, size), axis=0)
        block_min = max(1, -(-min_size // size))
        if n_bkps is not None:
            n_bkps = max(1, min(n_bkps, len(blocks) // block_min - 1))
        ends = _kernel_cpd(blocks, block_min, n_bkps=n_bkps, pen=pen)
        return [min(m, e * size) for e in ends[:-1]] + [m]
    search = ruptures.KernelCPD(kernel="cosine", min_size=min_size).fit(points)
    return search.predict(n_bkps=n_bkps) if n_bkps is not None else search.predict(pen=pen)


def _dp_sections(points: np.ndarray, min_size: int, count: int, elbow: bool = True) -> list[int]:
    """Break indices (ending with len(points)) of at most ``count`` + 1 sections, exact dynamic programming
    over the cosine-kernel cost KernelCPD uses (ruptures gives the same breaks for a fixed count), with the
    count cut back where the talk stops changing: the k-th boundary must lower the cost by at least the
    mean gain of the first max(2 x count, 10) boundaries (the elbow of the cost curve). Over
    :data:`MAX_CPD_POINTS` points it works on block means, as :func:`_kernel_cpd` does."""
    m = len(points)
    size = -(-m // MAX_CPD_POINTS)
    if size > 1:
        blocks = np.add.reduceat(points, np.arange(0, m, size), axis=0)
        block_min = max(1, -(-min_size // size))
        ends = _dp_sections(blocks, block_min, max(1, min(count, len(blocks) // block_min - 1)), elbow)
        return [min(m, e * size) for e in ends[:-1]] + [m]
    unit = points / np.maximum(np.linalg.norm(points, axis=1, keepdims=True), 1e-12)
    gram = np.zeros((m + 1, m + 1))
    gram[1:, 1:] = (unit @ unit.T).cumsum(0).cumsum(1)
    starts = np.arange(m + 1)
    cost = np.full((m + 1, m + 1), np.inf)  # cost[a, b]: turns a..b-1 as one section
    for b in range(min_size, m + 1):
        length = (b - starts[: b - min_size + 1]).astype(float)
        inside = gram[b, b] - gram[: b - min_size + 1, b] - gram[b, : b - min_size + 1] + gram.diagonal()[: b - min_size + 1]
        cost[: b - min_size + 1, b] = length - inside / length
    most = max(1, min(max(2 * count, 10), m // min_size - 1))
    best = np.full((most + 1, m + 1), np.inf)
    previous = np.zeros((most + 1, m + 1), dtype=int)
    best[0] = cost[0]
    for k in range(1, most + 1):
        total = best[k - 1][:, None] + cost
        total[0, :] = np.inf
        previous[k] = np.argmin(total, axis=0)
        best[k] = total[previous[k], np.arange(m + 1)]
    curve = best[:, m]
    finite = np.flatnonzero(np.isfinite(curve))
    most = int(finite.max())
    gain = (curve[0] - curve[most]) / most if most else 0.0
    cut = int(np.argmin(curve[: most + 1] + gain * np.arange(most + 1))) if elbow else most
    k = max(0, min(count, most, cut))
    ends, end = [m], m
    for level in range(k, 0, -1):
        end = int(previous[level][end])
        ends.insert(0, end)
    return ends


def smooth(vectors: np.ndarray, window: int) -> np.ndarray:
    """Each row averaged with its neighbours (``window`` rows centred on it), L2-normalised."""
    if window <= 1 or len(vectors) < 2:
        return vectors
    half = window // 2
    cumulative = np.vstack([np.zeros((1, vectors.shape[1])), np.cumsum(vectors, axis=0)])
    starts = np.maximum(0, np.arange(len(vectors)) - half)
    ends = np.minimum(len(vectors), np.arange(len(vectors)) + half + 1)
    means = (cumulative[ends] - cumulative[starts]) / (ends - starts)[:, None]
    return means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)


_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
#: what a chair says to open an agenda item: "next item", "moving on to", "item 4", "docket number 0712",
#: "that brings us to", "can we turn to", and at a hearing "the next witness is", "may I call"; looked for
#: in the opening words of a turn (:func:`agenda_cues`)
#: what "move on to" must not be followed by: a page, paragraph or document is not an agenda item
_NOT_A_DOCUMENT = (r"(?!\s*(?:the\s+)?(?:page|paragraph|para|tab|slide|figure|annex|appendix|document|exhibit|line|"
                   r"footnote|chart|table|screen|bundle|statement|report|email|letter|minutes|\d))")
#: a cue that names an agenda item: "next item", "item 4", "docket number 0712", "any other business", and
#: at a hearing "the next witness is", "may I call", "next panel"
_ITEM = (r"next (?:item|agenda item|docket|matter|report|paper|petition|motion|resolution)"
         r"|(?:turn|go|come|move)(?:ing)? (?:on )?(?:now )?to (?:item|agenda item|docket)"
         r"|(?:agenda )?item (?:number |no\.? )?" + _NUMBER + r"\b|docket (?:number |no\.? |#)?\d"
         r"|(?:first|second|third|next|last|final) (?:item|point|topic) (?:on|of) (?:the|our|today'?s) agenda"
         r"|any other business"
         r"|(?:the |our )?(?:next|first|last|final) witness(?:es)? (?:is|are|this|today)|may i (?:please |now )?call"
         r"|(?:next|second|third|final) panel")
ITEM_CUE = re.compile(r"\b(?:" + _ITEM + ")", re.IGNORECASE)
#: every cue: an item named (:data:`ITEM_CUE`) or a move to another topic ("moving on to", "can we turn to",
#: "the next question", "that brings us to"), which at a hearing is counsel changing topic inside one item
AGENDA_CUE = re.compile(
    r"\b(?:" + _ITEM + r"|next (?:point|topic)"
    r"|mov(?:e|ing) on(?: now)? to" + _NOT_A_DOCUMENT
    + r"|(?:turn|go|come|move)(?:ing)? (?:now )?to "
    r"(?:the next (?:item|topic|point|question|agenda item|docket|matter|section|part))"
    r"|(?:that|which) (?:brings|takes) us (?:on )?to"
    r"|(?:we'?ll|we will|let'?s|let us|we can|can we|could we|shall we|i'?d like to|i want to) (?:now )?"
    r"(?:move|turn) (?:on )?to" + _NOT_A_DOCUMENT + ")", re.IGNORECASE)
#: a meeting that names at least this many items (a witness called, an item read out) is split at those
#: items alone: on 22 hearing days (4-5 witnesses each) 0.53 -> 0.72 ARI, two council meetings 0.81
ITEM_CUES_ALONE = 3
#: words at the start of a turn searched for an agenda cue ("Thank you. Moving on to item 3, ...")
CUE_OPENING_WORDS = 20


def agenda_cues(texts: list[str], gap: int = 2, pattern: re.Pattern[str] = AGENDA_CUE) -> list[int]:
    """Turns (after the first) that open an agenda item: an :data:`AGENDA_CUE` (or ``pattern``) in their
    opening :data:`CUE_OPENING_WORDS` words; of cues closer than ``gap`` turns only the first counts."""
    cues: list[int] = []
    for i, text in enumerate(texts):
        if i > 0 and pattern.search(" ".join(str(text).split()[:CUE_OPENING_WORDS])):
            if not cues or i - cues[-1] >= gap:
                cues.append(i)
    return cues


def hybrid_boundaries(vectors: np.ndarray, window: int = 4, min_turns: int = MIN_SECTION_TURNS,
                      strictness: float = 0.5, texts: list[str] | None = None,
                      smoothing: int = 3) -> list[int]:
    """Turn indices where a new section starts: procedural turns set aside, the rest smoothed over
    ``smoothing`` neighbours, round(:data:`SECTIONS_PER_SQRT_WORD` x sqrt(words spoken)) sections
    (TextTiling's count without ``texts``), KernelCPD's placement, boundaries snapped to agenda cues."""
    from evidence.nlp.procedural import procedural_mask

    n = len(vectors)
    # a meeting that names its items ("item 4", "may I call ...") is split at them; its "let's move on
    # to ..." is then a change of topic inside an item (counsel's next line of questions), not a new item
    items = agenda_cues(texts, pattern=ITEM_CUE) if texts is not None else []
    cues = items or (agenda_cues(texts) if texts is not None else [])
    count = 0
    if texts is not None:
        words = sum(len(str(text).split()) for text in texts)
        count = int(round(SECTIONS_PER_SQRT_WORD * np.sqrt(words))) - 1
    if len(items) >= ITEM_CUES_ALONE or len(cues) >= max(2, count):
        # the chair reads the agenda out ("Docket number 0712", "Item 4") or calls each witness: the
        # cues alone mark the items, however short or long; one in the opening turns ("the first witness
        # this morning is ...") opens the first item and leaves no greeting alone
        opening = procedural_mask([str(text) for text in texts[: cues[0]]]) if cues and texts else []
        return cues[1:] if len(opening) and all(opening) else cues
    if n < 2 * min_turns:
        return cues
    keep = np.arange(n)
    if texts is not None:
        # "Thank you." and "Can you hear me?" sit between items and say nothing about either: they
        # follow the section before them instead of pulling boundaries towards themselves
        content = np.flatnonzero(~procedural_mask([str(text) for text in texts]))
        if len(content) >= 2 * min_turns:
            keep = content
    smoothed = smooth(vectors[keep], smoothing)
    m = len(keep)
    if count < 1:  # a short exchange: let the talk's own valleys decide
        count = len(texttiling_boundaries(smoothed, window=window, min_turns=min_turns, strictness=strictness))
    count = min(count, m // min_turns - 1)
    if count <= 0:
        return cues
    ends = _dp_sections(smoothed, min_turns, count)
    starts = [int(keep[e]) for e in ends if e < m]
    if texts is not None:
        # a cue in the first few turns ("the first witness this morning is ...") opens the first item:
        # it leaves no section of a greeting alone
        starts = _with_cues(starts, [c for c in cues if c >= min_turns], min_turns)
    return starts


def _with_cues(starts: list[int], cues: list[int], min_turns: int = MIN_SECTION_TURNS,
               reach: int = 3) -> list[int]:
    """Each boundary moves to a cue within ``reach`` turns; every cue opens a section, and a boundary
    closer than ``min_turns`` to a cue gives way to it (the chair said where the item starts)."""
    moved = []
    for start in starts:
        near = [c for c in cues if abs(c - start) <= reach]
        moved.append(min(near, key=lambda c: (abs(c - start), c)) if near else start)
    cue_set = set(cues)
    kept = [s for s in moved if s in cue_set or all(abs(s - c) >= min_turns for c in cues)]
    return sorted(set(kept) | cue_set)


METHODS = {"hybrid": hybrid_boundaries, "texttiling": texttiling_boundaries,
           "changepoint": changepoint_boundaries}


def find_sections(turns: pd.DataFrame, vectors: np.ndarray, *, method: str = "hybrid",
                  **options: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split turns (in order) into sections; returns (sections, assignments).

    ``turns`` has one row per turn in speaking order (``id`` and ``text``; ``order`` if present).
    sections: section, start_turn, end_turn (inclusive turn indices), n_turns, label ("").
    assignments: turn_index, segment_id, section.
    """
    if method not in METHODS:
        raise InputError("sections", f"unknown method {method!r}", hint=f"choose one of {sorted(METHODS)}")
    if len(turns) != len(vectors):
        raise InputError("sections", f"{len(turns)} turns but {len(vectors)} embeddings",
                         hint="embed exactly the turns, in order")
    if len(turns) == 0:
        raise NotEnoughDataError("this source has no turns to split into sections")
    if "order" in turns.columns:
        order = np.argsort(turns["order"].to_numpy(), kind="stable")
        turns, vectors = turns.iloc[order], np.asarray(vectors)[order]
    if method == "hybrid" and "texts" not in options and "text" in turns.columns:
        options = {**options, "texts": turns["text"].fillna("").astype(str).tolist()}
    starts = [0] + METHODS[method](np.asarray(vectors, dtype=np.float64), **options)
    ends = starts[1:] + [len(turns)]
    sections = pd.DataFrame({
        "section": range(len(starts)), "start_turn": starts,
        "end_turn": [e - 1 for e in ends], "n_turns": [e - s for s, e in zip(starts, ends)],
        "label": "",
    }, columns=SECTION_COLUMNS)
    section_of = np.repeat(sections["section"].to_numpy(), sections["n_turns"].to_numpy())
    assignments = pd.DataFrame({"turn_index": range(len(turns)),
                                "segment_id": turns["id"].astype(str).to_numpy(),
                                "section": section_of})
    return sections, assignments


def label_sections(sections: pd.DataFrame, assignments: pd.DataFrame, *,
                   codings: pd.DataFrame | None = None, themes: pd.DataFrame | None = None,
                   turns: pd.DataFrame | None = None, top: int = 2) -> pd.DataFrame:
    """Label each section with its main codes and themes, and the words that set it apart.

    ``codings`` has segment and code (a name column ``code_name`` is used when present);
    ``themes`` has segment_id and label (theme assignments); ``turns`` has id and text (and
    ``speaker``). Adds ``codes``, ``themes`` and ``words`` (lists, most frequent or most distinctive
    first) and fills ``label``: "Code A; Code B - words" when codes or themes apply, else the words.
    The words are the section's most distinctive terms against the other sections (tf-idf over
    sections, procedural turns, pseudonyms and speakers' names left out), shown as people said them,
    so neighbouring sections never share a label.
    """
    sections = sections.copy()
    by_section = assignments.groupby("section")["segment_id"].apply(list)
    members_of = {section: set(by_section.get(section, [])) for section in sections["section"]}
    words = _distinctive_words(members_of, turns, top) if turns is not None else {}
    code_lists, theme_lists, word_lists, labels = [], [], [], []
    previous = None
    for section in sections["section"]:
        members = members_of[section]
        codes = _top(codings, "segment", "code_name" if codings is not None and "code_name" in codings
                     else "code", members, top)
        found = _top(themes, "segment_id", "label", members, top)
        named = codes + [t for t in found if t not in codes][: max(0, top - len(codes))]
        phrase = words.get(section, "")
        label = "; ".join(named)
        if phrase and (not label or label == previous or label.split(" - ")[0] == (previous or "").split(" - ")[0]):
            label = f"{label} - {phrase}" if label else phrase
        label = label or f"section {section + 1}"
        if label == previous:
            label = f"{label} (continued)"
        code_lists.append(codes)
        theme_lists.append(found)
        word_lists.append([w for w in phrase.split(" / ") if w])
        labels.append(label)
        previous = label
    sections["codes"], sections["themes"], sections["words"], sections["label"] = (
        code_lists, theme_lists, word_lists, labels)
    return sections


def _top(frame: pd.DataFrame | None, key: str, value: str, members: set[str], top: int) -> list[str]:
    if frame is None or frame.empty:
        return []
    inside = frame.loc[frame[key].astype(str).isin(members)]
    inside = inside.drop_duplicates([key, value])  # a turn coded twice with one code counts once
    counts = inside[value].value_counts()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [str(v) for v, _ in ranked[:top]]


def _distinctive_words(members_of: dict[int, set[str]], turns: pd.DataFrame, top: int) -> dict[int, str]:
    """Per section: its most distinctive terms (tf-idf over sections) as a short readable phrase."""
    from evidence.nlp.procedural import procedural_mask
    from evidence.themes.components import LemmaTokenizer, phrase_label
    from evidence.themes.fit import _name_words

    turns = turns.assign(id=turns["id"].astype(str))
    turns = turns[~procedural_mask(turns["text"].fillna("").astype(str).tolist())]
    tokenizer = LemmaTokenizer(exclude=_name_words(turns))
    counts: dict[int, dict[str, int]] = {}
    texts: dict[int, list[str]] = {}
    for section, members in members_of.items():
        inside = turns.loc[turns["id"].isin(members), "text"].astype(str).tolist()
        texts[section] = inside
        tally: dict[str, int] = {}
        for text in inside:
            for term in tokenizer(text):
                tally[term] = tally.get(term, 0) + 1
        counts[section] = tally
    n = len(counts)
    document_frequency: dict[str, int] = {}
    for tally in counts.values():
        for term in tally:
            document_frequency[term] = document_frequency.get(term, 0) + 1
    out = {}
    for section, tally in counts.items():
        scored = sorted(tally, key=lambda t: (-(np.log1p(tally[t]) * np.log((1 + n) / document_frequency[t])), t))
        out[section] = phrase_label(scored[:6], texts[section], tokenizer, parts=top)
    return out


def sections_timeline(sections: pd.DataFrame, title: str = "Discussion sections") -> Any:
    """A plotly timeline: one bar per section along the turn axis, labelled with its themes."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for row in sections.itertuples():
        fig.add_trace(go.Bar(
            x=[row.n_turns], y=["sections"], base=[row.start_turn], orientation="h",
            name=f"{row.section + 1}. {row.label}", text=[row.label], textposition="inside",
            hovertemplate=f"turns {row.start_turn}-{row.end_turn}<br>{row.label}<extra></extra>",
        ))
    fig.update_layout(barmode="stack", title=title, xaxis_title="turn", showlegend=True,
                      height=260, yaxis={"visible": False})
    return fig
