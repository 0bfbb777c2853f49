"""Procedural turns: the talk that runs a meeting rather than says something about the topic.

    is_procedural("Thank you, Chair.")                  # True
    is_procedural("I can hear it, yes.")                # True
    is_procedural("Let's move on to the next item.")    # True
    is_procedural("Thanks. The funding ended in May.")  # False: it says something
    procedural_mask(texts)                              # numpy bool array, one per text

Thanks, greetings, turn taking ("over to you", "next item"), audio and video checks ("can you hear
me", "you're on mute"), breaks ("We shall return at 11.30."), a transcriber's bracketed notes
("(Audible answer)", "[inaudible]") and bare acknowledgements ("Yes.", "Mmhm.") carry no theme. They are left
uncoded by the autocoders and out of theme fitting by default (``--include-procedural`` turns that
off); the sections of a meeting keep them, since they sit in its timeline. A turn counts as
procedural when, once these phrases, fillers, stop words and names (capitalised words inside a
sentence, pseudonyms such as "Speaker 3") are taken out, at most :data:`MAX_CONTENT_WORDS`
content words remain: "Thanks, Liam." is procedural, "Thanks. Funding ended." is not; a turn left
with only capitalised words needs a phrase or filler that runs the meeting ("He's a Republican." is
not procedural), and in a text typed in capitals no word is taken for a name. Only talk
(:data:`TALK_KINDS`) can be procedural when the segment kinds are given: a survey answer "Not
sure." is an answer. On 21,802 real hearing and council turns (bench data, kept outside the repo)
the breaks, bracketed notes, backchannels and "That's correct." added 697 procedural turns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

MAX_CONTENT_WORDS = 0

#: phrases that run a meeting; matched case-insensitively on whole words
PROCEDURAL_PHRASES: tuple[str, ...] = (
    # thanks and greetings
    r"thank(?:s| you)(?: (?:very|so) much)?(?: (?:for (?:that|having me|coming|joining|your time)|indeed))?",
    r"many thanks", r"cheers", r"(?:hi|hello|hey|morning|afternoon|evening|welcome)(?: (?:back|again))?",
    r"good (?:morning|afternoon|evening)", r"nice to (?:see|meet) you", r"see you(?: (?:all|soon|later|(?:next|this) (?:week|month|time|term|meeting)))?", r"bye(?:-bye)?",
    r"goodbye", r"take care", r"have a (?:good|nice|great) (?:day|week|weekend|evening)",
    # audio, video and screen checks
    r"can (?:you|everyone|everybody|people) (?:all )?(?:hear|see) (?:me|us|that|it|my screen|the screen)",
    r"(?:i|we) can (?:hear|see) (?:you|it|that|them|everyone|the screen|your screen)(?: (?:fine|now|okay|ok|well))?",
    r"(?:you'?re|you are|i'?m|i was|you were) (?:still )?on mute", r"(?:un)?mute(?:d)?",
    r"(?:you'?re|you are|it'?s) breaking up", r"(?:is|was) my (?:audio|sound|mic|microphone|screen|camera) (?:ok(?:ay)?|working|on)",
    r"(?:my|your|the) (?:audio|sound|mic|microphone|camera|connection|internet|wifi)(?: (?:is|was|dropped|froze|cut out))?",
    r"share (?:my|your) screen", r"(?:sorry,? )?(?:i|you) (?:dropped|dropped off|froze|got cut off)",
    r"(?:one|a) (?:second|sec|moment|minute)", r"bear with (?:me|us)", r"(?:let me|i'?ll) (?:just )?(?:unmute|share)",
    # turn taking and agenda moves
    r"over to you", r"back to you", r"(?:please )?go ahead", r"after you", r"you first",
    r"(?:i'?ll|let me|can i) (?:just )?(?:hand|pass|bring) (?:it |you |this )?(?:over|back|in)",
    r"(?:shall we|let'?s|we'?ll|we can|we should|i'?d like to|can we) (?:now )?(?:start|begin|get started|kick off|move on|carry on|continue|wrap up|finish|close|stop there|break)",
    r"(?:move|moving) on(?: to)?", r"(?:the )?next (?:item|question|speaker|point|agenda item|slide|one)",
    r"(?:any|are there any) (?:other )?(?:questions|comments|other business)", r"any other business",
    r"(?:on|to) the agenda", r"(?:the )?item (?:number )?\w+", r"(?:sorry|apologies),? (?:go on|carry on|you go)",
    r"(?:i|we) (?:have|'?ve got) (?:a )?(?:hard )?stop", r"(?:we'?re|we are) (?:running )?(?:out of|short of|over) time",
    r"(?:i'?ll|let me) (?:just )?(?:come|bring \w+) in", r"(?:can|may) i (?:just )?(?:come in|add something|ask)",
    r"(?:please )?(?:raise|lower) (?:your|a) hand",
    # breaks and adjournments ("We shall return at 11.30.", "I shall now rise for 15 minutes.")
    r"(?:we|i) (?:shall|will|'ll|are going to|'re going to|can|could) (?:now |just )?(?:return|resume|reconvene|"
    r"adjourn|rise|break|come back|take (?:a|our|the) (?:short |quick |brief |lunch |comfort |mid-morning |afternoon )?break)"
    r"(?: (?:at|in|until|till|after) (?:about |around )?(?:[\d.:]+|lunch|two|ten|five)(?: (?:am|pm|a\.m\.|p\.m\.|o'clock|minutes|mins))?)?"
    r"(?: for (?:lunch|the day|today|(?:about |around )?(?:\d+|five|ten|fifteen|twenty|thirty|forty-five) (?:minutes|mins)))?",
    r"(?:let'?s|shall we|we'?ll|we will|we'?re going to) (?:take|have) (?:a|our|the) (?:short |quick |brief |lunch |comfort )?break",
    r"(?:the (?:meeting|hearing|session|committee) (?:is|stands|will be|was) (?:now )?)?adjourned",
)
#: a whole turn that is a transcriber's note in brackets: "(Audible answer)", "(The witness nodded)",
#: "[inaudible]", "(A short break)"
_STAGE_DIRECTION = re.compile(r"^\s*(?:[\(\[][^\)\]]*[\)\]]\s*)+$")

#: words that acknowledge or fill without adding anything
FILLERS = frozenset("""
yes yeah yep yup no nope ok okay right sure fine good great cool alright all mm mmm hmm mhm mm-hmm uh-huh uh um
mmhm mmhmm mm-hm mhmm uh-hum aha
er erm ah oh so well absolutely exactly indeed agreed agree definitely perfect lovely brilliant excellent
wonderful sounds sound got it gotcha true everyone everybody all folks guys chair chairman chairperson
again also then now just please sorry apologies correct precisely quite
""".split())

_PHRASES = re.compile(r"(?<![\w'])(?:" + "|".join(PROCEDURAL_PHRASES) + r")(?![\w'])", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_CONTRACTION = re.compile(r"(?:'s|'re|'ve|'ll|'d|'m)$")  # a negation ("wasn't") says something
_PSEUDONYM = re.compile(r"\b(?:Speaker|Pupil|School|Staff|Charity lead|Teacher|Participant|Chair)\s+(?:\d+|[A-Z])\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[\[(\"]\s*)$")


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _split_words(text: str) -> tuple[list[str], list[str]]:
    """(content words, capitalised words inside a sentence taken for names) once procedural phrases,
    fillers and stop words are taken out."""
    stripped = _PHRASES.sub(" ", _PSEUDONYM.sub(" ", str(text).replace("’", "'")))
    stop = _STOP_WORDS
    letters = [c for c in stripped if c.isalpha()]
    shouting = sum(c.isupper() for c in letters) > len(letters) / 2  # "HE LURED MORE VOTERS": no names to see
    words, names = [], []
    for match in _WORD.finditer(stripped):
        word = match.group(0)
        if (not shouting and word[0].isupper() and not word.isupper()
                and not _SENTENCE_START.search(stripped[:match.start()])):
            names.append(word)  # a name inside a sentence ("Thanks, Liam"); "PE" and "GCSE" are words
            continue
        word = _CONTRACTION.sub("", word.lower()).strip("'-")  # "that's" is "that", "we'll" is "we"
        if word and word not in FILLERS and word not in stop and len(word) > 1:
            words.append(word)
    return words, names


def content_words(text: str) -> list[str]:
    """The words of ``text`` left once procedural phrases, fillers, stop words and names are taken out."""
    return _split_words(text)[0]


def is_procedural(text: str, max_content_words: int = MAX_CONTENT_WORDS) -> bool:
    """True when the turn only runs the meeting (thanks, turn taking, audio checks, acknowledgements).

    An empty text is not procedural (it is simply empty; callers leave those out anyway).
    """
    text = str(text or "").strip()
    if not text:
        return False
    if _STAGE_DIRECTION.match(text):
        return True
    words, names = _split_words(text)
    if len(words) > max_content_words:
        return False
    # only stop words and names left: a capitalised word may be a topic ("He's a Republican."), so
    # such a turn is procedural only if something in it runs the meeting ("Thanks, Liam.")
    return not names or bool(_PHRASES.search(text.replace("’", "'"))) or any(
        word.lower() in FILLERS for word in _WORD.findall(text))


#: segment kinds that are talk at a meeting; a survey answer, a pupil's quote or a document's
#: paragraph is never procedural, however short ("Not sure." is an answer)
TALK_KINDS = frozenset({"turn", "sentence"})


def procedural_mask(texts: Sequence[str], max_content_words: int = MAX_CONTENT_WORDS,
                    kinds: Sequence[str] | None = None) -> np.ndarray:
    """One bool per text: is it a procedural turn (see :func:`is_procedural`); with ``kinds`` (one
    segment kind per text) only talk (:data:`TALK_KINDS`) can be."""
    if kinds is None:
        return np.array([is_procedural(t, max_content_words) for t in texts], dtype=bool)
    return np.array([kind in TALK_KINDS and is_procedural(t, max_content_words)
                     for t, kind in zip(texts, kinds)], dtype=bool)


_STOP_WORDS = _stop_words()
