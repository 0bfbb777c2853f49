"""Before/after pupil voice: pair each pupil's before and after quotes by code, and score stance.

``before_after`` gives one row per pupil and code: how many of the pupil's quotes carry the code in
each wave, whether the code ``appears`` (after only), ``vanishes`` (before only) or ``stays``, and
the quotes themselves side by side. Only pupils with quotes in both waves are paired; the others
are listed by ``unpaired_pupils`` so nobody disappears from the analysis unnoticed.

Stance score (``stance``)
    A deliberately small, transparent lexicon, not a trained model: every word that moved a score
    can be read in ``STANCE_POSITIVE`` / ``STANCE_NEGATIVE``. Text is lower-cased and split into
    words (apostrophes kept; curly quotes straightened). A lexicon word counts +1 (positive) or -1
    (negative); if one of the three words before it is a negator (``NEGATORS``, or any word ending
    in "n't"/"nt" like "don't", "didnt"), its sign flips ("not scared" is positive, "didn't help"
    negative). A quote's stance is (positive - negative) / (positive + negative), from -1 to +1, and
    0 when no lexicon word occurs. It reads tone, not truth: sarcasm, "I used to be scared"
    (a positive change said with a negative word) and slang outside the lexicon are missed, so treat
    it as a pointer to quotes worth reading.
"""

from __future__ import annotations

import re

import pandas as pd

from evidence.mixed.quantitise import coded_units
from evidence.mixed.units import EVIDENCE_STATUSES

STANCE_POSITIVE = frozenset({
    "confident", "enjoy", "enjoyed", "enjoying", "love", "loved", "fun", "good", "great",
    "better", "best", "easier", "easy", "understand", "understood", "proud", "happy", "calm", "improved",
    "improving", "helped", "helpful", "helps", "believe", "sure", "motivated", "interested", "clear",
    "brilliant", "amazing", "fine", "relaxed", "ready", "achieve", "achieved", "progress",
})
STANCE_NEGATIVE = frozenset({
    "nervous", "scared", "afraid", "worried", "anxious", "panic", "panicked", "freeze", "froze", "hate",
    "hated", "boring", "bored", "hard", "difficult", "confused", "confusing", "stuck", "stupid", "thick",
    "rubbish", "bad", "worse", "worst", "blank", "shy", "struggle", "struggled", "struggling", "fail",
    "failed", "failing", "embarrassed", "low", "stressed", "stress", "upset", "useless", "awful",
    "terrible", "dread", "quit",
})
NEGATORS = frozenset({"not", "no", "never", "nothing", "hardly", "barely", "without", "nobody", "cannot"})
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
VOICE_COLUMNS = ["case", "code", "before", "after", "change", "before_quotes", "after_quotes"]


def _negated(words: list[str], position: int) -> bool:
    for word in words[max(0, position - 3):position]:
        if word in NEGATORS or word.endswith("n't") or word in {"dont", "didnt", "cant", "wont", "isnt",
                                                                  "wasnt", "doesnt", "aint", "couldnt"}:
            return True
    return False


def stance(text: str) -> tuple[int, int, float]:
    """(positive, negative, score) of one text; see the module docstring for the rules."""
    words = _WORD.findall(str(text).casefold().replace("\u2019", "'").replace("\u2018", "'"))
    positive = negative = 0
    for position, word in enumerate(words):
        sign = 1 if word in STANCE_POSITIVE else -1 if word in STANCE_NEGATIVE else 0
        if sign and _negated(words, position):
            sign = -sign
        positive += sign > 0
        negative += sign < 0
    total = positive + negative
    return positive, negative, (positive - negative) / total if total else 0.0


def stance_scores(segments: pd.DataFrame, *, kinds: tuple[str, ...] = ("quote",)) -> pd.DataFrame:
    """One row per quote: id, case, wave, positive, negative, stance."""
    quotes = segments[segments["kind"].isin(kinds)]
    scored = [stance(text) for text in quotes["text"]]
    return pd.DataFrame({
        "id": quotes["id"].to_numpy(), "case": quotes["case"].to_numpy(), "wave": quotes["wave"].to_numpy(),
        "positive": [s[0] for s in scored], "negative": [s[1] for s in scored], "stance": [s[2] for s in scored],
    })


def stance_change(segments: pd.DataFrame, *, kinds: tuple[str, ...] = ("quote",)) -> pd.DataFrame:
    """One row per pupil with quotes in both waves: mean stance before, after, and the change."""
    scores = stance_scores(segments, kinds=kinds)
    scores = scores[scores["wave"].isin(["before", "after"]) & scores["case"].astype(str).str.strip().ne("")]
    wide = scores.pivot_table(index="case", columns="wave", values="stance", aggfunc="mean")
    if not {"before", "after"} <= set(wide.columns):
        return pd.DataFrame(columns=["case", "stance_before", "stance_after", "change"])
    wide = wide.dropna(subset=["before", "after"])
    out = pd.DataFrame({"case": wide.index, "stance_before": wide["before"].to_numpy(),
                        "stance_after": wide["after"].to_numpy()})
    out["change"] = out["stance_after"] - out["stance_before"]
    return out.reset_index(drop=True)


def _paired_pupils(segments: pd.DataFrame, kinds: tuple[str, ...]) -> set[str]:
    quotes = segments[segments["kind"].isin(kinds) & segments["case"].astype(str).str.strip().ne("")]
    waves = quotes.groupby("case")["wave"].agg(lambda w: set(w) & {"before", "after"})
    return {case for case, found in waves.items() if found == {"before", "after"}}


def unpaired_pupils(segments: pd.DataFrame, *, kinds: tuple[str, ...] = ("quote",)) -> pd.DataFrame:
    """Pupils with quotes in only one wave (or none with a wave): case, waves, quotes."""
    quotes = segments[segments["kind"].isin(kinds) & segments["case"].astype(str).str.strip().ne("")]
    paired = _paired_pupils(segments, kinds)
    rest = quotes[~quotes["case"].isin(paired)]
    summary = rest.groupby("case").agg(
        waves=("wave", lambda w: ", ".join(sorted({x for x in w if x})) or "(no wave)"),
        quotes=("id", "size"),
    )
    return summary.reset_index()


def before_after(
    segments: pd.DataFrame, codings: pd.DataFrame, *, kinds: tuple[str, ...] = ("quote",),
    statuses: tuple[str, ...] | None = EVIDENCE_STATUSES,
) -> pd.DataFrame:
    """One row per paired pupil and code: quotes coded before/after, change, and the quotes."""
    paired = _paired_pupils(segments, kinds)
    coded = coded_units(segments, codings, kinds=kinds, statuses=statuses)
    coded = coded[coded["case"].isin(paired) & coded["wave"].isin(["before", "after"])]
    coded = coded.drop_duplicates(["unit", "code"])
    if coded.empty:
        return pd.DataFrame(columns=VOICE_COLUMNS)
    counts = coded.pivot_table(index=["case", "code"], columns="wave", values="unit", aggfunc="nunique", fill_value=0)
    counts = counts.reindex(columns=["before", "after"], fill_value=0).reset_index()
    counts.columns.name = None
    counts["change"] = [
        "appears" if b == 0 else "vanishes" if a == 0 else "stays" for b, a in zip(counts["before"], counts["after"])
    ]
    texts = coded.sort_values("unit").groupby(["case", "code", "wave"])["text"].apply(lambda t: "\n".join(t))
    for wave in ("before", "after"):
        counts[f"{wave}_quotes"] = [texts.get((c, k, wave), "") for c, k in zip(counts["case"], counts["code"])]
    counts[["before", "after"]] = counts[["before", "after"]].astype(int)
    return counts[VOICE_COLUMNS].sort_values(["case", "code"]).reset_index(drop=True)


def code_changes(voice: pd.DataFrame) -> pd.DataFrame:
    """Per code: how many paired pupils it appears for, vanishes for, stays with."""
    if voice.empty:
        return pd.DataFrame(columns=["code", "appears", "vanishes", "stays"])
    table = voice.pivot_table(index="code", columns="change", values="case", aggfunc="nunique", fill_value=0)
    table = table.reindex(columns=["appears", "vanishes", "stays"], fill_value=0).reset_index()
    table.columns.name = None
    return table
