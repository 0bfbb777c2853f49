"""Pupils' before/after quotes about a tutoring programme, with the codes each quote was written for.

A quote is built from one or two *cores* (short statements written for one code each; the code is
the intended human coding), optional neutral padding, and a pupil *voice* (tidy, casual or
text-speak: lowercase, slang, typos, emoji). Cores come in three stances: ``low`` (how things were
before), ``up`` (an improvement) and ``flat`` (negated or hedged: "it didn't really help my
confidence"); barriers have ``pre`` (what might get in the way, asked before) and ``any``; so a classifier has to learn the topic, not the mood. Everything is invented.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

# code -> stance -> templates. Slots: {subject} {tutor} {friend} {teacher} {job} {grade} {low} {n} {topic}
CORES: dict[str, dict[str, tuple[str, ...]]] = {
    "outcomes.confidence": {
        "low": (
            "I get really nervous when {teacher} asks me a question in {subject}",
            "I don't put my hand up because I'm scared of getting it wrong",
            "I'm not confident at all in {subject}",
            "I always think everyone else gets it and I don't",
            "if I get stuck I just give up because I think I'm rubbish at it",
            "I freeze as soon as I see a test paper",
            "I don't believe I can pass {subject} to be honest",
            "I hate reading out loud, everyone stares at you",
            "I never ask for help because I don't want to look stupid",
            "I second guess every answer I write",
            "I feel thick in {subject} compared to everyone else",
            "at home I can do it but in class my mind goes blank",
            "when I see a long question I panic and skip it",
            "I'm not one of the clever ones so I keep quiet",
            "my confidence in {subject} is really low",
            "I'd rather get a detention than answer in front of the class",
            "I rub out my answers loads because I think they're wrong",
        ),
        "up": (
            "I put my hand up now which I never used to do",
            "I feel way more confident in {subject}",
            "{tutor} made me realise I'm not actually bad at it",
            "I'm not scared of getting it wrong anymore",
            "I actually have a go at the hard questions now",
            "I can explain stuff to {friend} now which is mad",
            "I believe in myself a bit more",
            "I don't panic as much when I see a big question",
            "I trust my own answers more",
            "I read out in class last week and it was fine",
            "I feel like I can actually do it now",
            "I'm less shy in lessons",
            "I asked {teacher} for help which I would never have done before",
            "it gave me a lot more self belief",
            "I'm more sure of myself when I'm working",
            "I don't say 'I can't do it' straight away anymore",
            "I went up to the board in {subject} and didn't even care",
        ),
        "flat": (
            "it didn't really help my confidence, I still freeze",
            "not sure I'm more confident, maybe a tiny bit",
            "I still don't put my hand up but that's just me",
            "my confidence is about the same",
            "I thought I'd feel more confident but I don't really",
            "a bit more confident in the sessions but not in actual lessons",
            "I wouldn't say I'm confident now, just less bad",
        ),
    },
    "outcomes.aspiration": {
        "low": (
            "I don't know what I want to do",
            "probably just get a job, don't know what",
            "people like me don't really go to uni",
            "I've not thought about it",
            "I used to want to be a {job} but I won't get the grades",
            "nobody in my family went to college so probably not",
            "I'll just go and work with my uncle",
            "no point planning, it won't happen anyway",
            "no idea, whatever comes up",
            "college maybe? not that bothered",
            "uni is for posh people",
            "I want to be a {job} but I don't know how you get there",
            "my dad says I should just get a trade but I don't know",
            "I don't think I'm the type to go to sixth form",
        ),
        "up": (
            "I want to be a {job} now and I know what grades I need",
            "I'm thinking about uni now, I never did before",
            "{tutor} is at uni and it made me think I could go too",
            "I've looked up sixth form courses on my own",
            "I want to do A levels, maybe {subject}",
            "I've got a plan now, college then an apprenticeship",
            "me and {friend} are going to apply to the same college",
            "I actually want to stay on for sixth form",
            "I want to be the first one in my family to go to uni",
            "I know I can get into college if I get my {grade}",
            "the uni visit was sick, I want to go there",
            "I want to be a {job} and tutoring made me think it's possible",
            "I asked about apprenticeships at the careers fair",
            "I've started thinking about what I actually want to do",
        ),
        "flat": (
            "I've got no more idea about my future than before",
            "it didn't really make me think about uni",
            "I still don't really know what I want to do",
            "not sure about uni, I haven't changed my mind",
            "same as before, I just want to get a job",
            "I might go to college but tutoring didn't change that",
        ),
    },
    "outcomes.attainment": {
        "low": (
            "I got a {low} in my mocks",
            "I'm working at a {low} and I need a 4",
            "I keep failing the end of topic tests",
            "I'm behind in {subject} because I missed loads in Year 8",
            "I don't get {topic} at all",
            "my predicted grade is a {low}",
            "I'm in the bottom set",
            "I'm not going to pass {subject}",
            "my marks are rubbish in {subject}",
            "I missed loads of school and now I'm behind",
            "I only got {n} out of 80 on the last paper",
        ),
        "up": (
            "I went from a {low} to a {grade} in my mocks",
            "my test scores went up",
            "I got {n} out of 40 on the last test, best I've ever got",
            "I finally understand {topic}",
            "I moved up a set",
            "my predicted grade went up to a {grade}",
            "I passed the mock!!",
            "I can do the questions I couldn't do before",
            "{teacher} said my work has improved loads",
            "I got my first ever {grade}",
            "my marks on homework are better",
            "I got full marks on the {topic} question",
        ),
        "flat": (
            "my predicted grade is still a {low}",
            "I don't think my marks changed much",
            "my grades haven't really changed",
            "it didn't make a difference to my mock result",
            "I still got a {low} but it was closer",
            "I understand it more but my marks are the same",
        ),
    },
    "outcomes.engagement": {
        "low": (
            "{subject} is boring",
            "I switch off in lessons",
            "I don't do my homework",
            "I mess about in {subject}",
            "I don't see the point of learning it",
            "I sit at the back and don't really listen",
            "I get sent out of {subject} a lot",
            "I don't revise, I just wing it",
            "I can't be bothered with it",
            "I'm always on my phone in lessons",
            "I skip {subject} sometimes",
        ),
        "up": (
            "I actually do my homework now",
            "I look forward to the sessions",
            "I pay attention more in lessons",
            "I started revising at home",
            "{subject} is more interesting now",
            "I don't mess about as much",
            "I went to every single session",
            "I've been staying after school for revision",
            "I ask questions now instead of just sitting there",
            "it made me want to try",
            "I do the practice papers {tutor} gives me",
            "I got a positive phone call home for effort",
        ),
        "flat": (
            "I turned up but I wasn't really into it",
            "still can't be bothered with homework",
            "sessions were ok but I still don't like {subject}",
            "kind of boring to be honest, same as normal lessons",
            "I went but I didn't really try",
        ),
    },
    "outcomes.wellbeing": {
        "low": (
            "I get headaches from worrying about school",
            "I feel like I'm always behind and it stresses me out",
            "my anxiety is bad in exam season",
            "I don't sleep much",
            "I get really stressed about exams",
            "I can't sleep the night before a test",
            "school makes me anxious",
            "there's been a lot going on at home",
            "I worry about my GCSEs all the time",
            "I feel sick when I think about the exams",
            "I get overwhelmed with everything",
            "I cry about school stuff sometimes",
            "my head is all over the place",
        ),
        "up": (
            "I feel more relaxed going into my exams",
            "I'm not as worried about everything",
            "I actually enjoy school a bit now",
            "it was like a break from all the stress",
            "I'm less stressed about my exams",
            "I feel calmer about everything",
            "it was nice to have someone to talk to",
            "I don't worry as much",
            "I feel happier at school",
            "{tutor} helped with my stress not just the work",
            "I'm sleeping better before tests",
            "I don't dread {subject} anymore",
            "my mum says I seem less wound up",
        ),
        "flat": (
            "I still get anxious before tests, tutoring didn't change that",
            "my stress is the same, it's more home stuff",
            "I'm still stressed",
            "not sure it changed how I feel about stuff",
            "it helped with the work but I'm still anxious",
        ),
    },
    "outcomes.belonging": {
        "low": (
            "I don't really talk to anyone in my lessons",
            "I feel like an outsider",
            "I eat lunch on my own most days",
            "teachers only notice me when I'm in trouble",
            "I don't feel like I'm part of the school",
            "I don't really fit in here",
            "I don't have many friends in my year",
            "I feel like the teachers don't care about me",
            "nobody notices me at school",
            "I moved here in Year 8 and I still don't know many people",
            "I feel left out a lot",
            "school isn't really for people like me",
        ),
        "up": (
            "I've got people to sit with now",
            "I feel more welcome in school",
            "it's like we're a little team",
            "I feel like the teachers know who I am now",
            "I know more people in my year because of the group",
            "I made friends in the group",
            "I feel like I'm part of something",
            "it's nice knowing someone is on my side",
            "I talk to more people now, me and {friend} sit together",
            "I feel like school is for me now",
            "{tutor} remembered stuff about me which was nice",
            "I feel like I belong here more",
            "people in my group say hi to me in the corridor now",
        ),
        "flat": (
            "I didn't really click with the others",
            "I still don't feel part of anything tbh",
            "I didn't really know anyone in my group",
            "it was fine but I still feel a bit on my own",
        ),
    },
    "barriers.time": {
        "pre": (
            "I might not be able to stay after school because of football",
            "I've got to look after my brother on Thursdays so it depends when it is",
            "I don't really want to miss PE for it",
            "if it's at lunch I'm not going",
            "I already have loads of homework so idk when I'd fit it in",
            "I work on Saturdays so not then",
            "depends if it clashes with my options",
        ),
        "any": (
            "I do my homework club on the same day",
            "by the time I got there it was half over",
            "they kept putting it on when we had mocks",
            "I had to miss science for it and then I was behind in science",
            "the sessions finished at five and it was dark walking home",
            "it was only once a week so I forgot stuff in between",
            "the sessions are after school and I've got football",
            "I have to pick up my little brother so I can't stay late",
            "they took me out of PE for it which was annoying",
            "it clashed with one of my options",
            "I've already got too much homework",
            "the sessions were too short to get anything done",
            "I work weekends so Saturday sessions don't work for me",
            "I missed loads because it was in my lunch",
            "there wasn't enough time, we only had like six weeks",
            "it's hard to fit in with everything else",
            "I'd rather it was in the day because after school I'm tired",
            "half the session went on logging in",
        ),
    },
    "barriers.cost": {
        "pre": (
            "getting home would be hard because the bus costs money",
            "I haven't got a laptop for online ones",
            "if it costs anything my mum won't pay",
            "my data always runs out so online would be hard",
            "as long as it's free it's fine, we can't pay for a tutor",
        ),
        "any": (
            "my mum would have to take time off work to pick me up",
            "the printer credit ran out so I couldn't print the worksheets",
            "I needed a calculator and we haven't got one at home",
            "the revision guides cost money and we couldn't get them",
            "we've only got one laptop at home and my sister needs it",
            "my dad said we're not paying for stuff like that",
            "the trip was free but you had to bring money for lunch",
            "the bus home after is £2.50 and my mum can't always do it",
            "we can't afford a tutor so this was the only way",
            "I'd have to pay for the bus to get there",
            "I haven't got a laptop at home for the online ones",
            "my mum said the trip would cost too much",
            "my data runs out so I couldn't join from my phone",
            "normal tutors are like £40 an hour, no chance",
            "I couldn't go to the uni day because of the train fare",
            "{friend}'s mum gives me a lift home otherwise I'd have to pay for the bus",
        ),
    },
    "barriers.no_take_up": {
        "pre": (
            "I probably won't go if none of my friends are",
            "I might not bother to be honest",
            "I don't think I'll sign up",
            "I'll probably forget",
            "only if {friend} goes",
        ),
        "any": (
            "I signed up but then never went",
            "there was meant to be ten of us and it was usually three",
            "me and {friend} both dropped it after Christmas",
            "nobody I know wanted to go",
            "I didn't bother in the end",
            "it's a bit embarrassing going so I stopped",
            "people just didn't turn up to the online ones",
            "I ignored the letter to be honest",
            "none of my mates signed up so I didn't go",
            "I stopped going after the first few weeks",
            "half the group never turned up",
            "I only went twice",
            "I didn't sign up because I thought it was only for people who are failing",
            "my form got the letter but nobody did it",
            "I forgot to go most weeks",
            "loads of people dropped out",
        ),
    },
    "barriers.patronising": {
        "pre": (
            "I don't want people thinking I'm thick",
            "I don't want to be in the group for people who are struggling",
            "it's a bit embarrassing to be picked",
            "if they talk down to us I'm leaving",
        ),
        "any": (
            "they explained stuff like we were stupid",
            "the worksheets were way too easy, like primary school stuff",
            "one of them said 'people from round here' like we're all the same",
            "it felt like they felt sorry for us",
            "they kept saying we should be grateful",
            "I didn't like being told I was 'at risk'",
            "they spoke really slowly at us",
            "it felt like they thought we were thick",
            "they talked to us like we were Year 7s",
            "it felt a bit like charity, like we needed saving",
            "the mentor kept calling us 'disadvantaged' which was awkward",
            "some of it was stuff we already knew, it felt a bit babyish",
            "they acted like we'd never heard of uni before",
            "it's embarrassing being picked for the help group",
            "the posh school kids were a bit patronising",
        ),
    },
    "barriers.outreach_not_partnership": {
        "any": (
            "we went to the uni once and never heard from them again",
            "it was just a day trip, not proper help",
            "they didn't ask us what we wanted, they just did their thing",
            "it was like a show for the parents evening",
            "some people came from a charity, talked for an hour and went",
            "they just came in once, did a talk and left",
            "it was a one off assembly and nobody followed it up",
            "the uni people gave out leaflets and that was it",
            "it felt like it was for their photos not for us",
            "they didn't know anything about our school",
        ),
    },
    "fizzle.turnover": {
        "any": (
            "we got a new tutor after half term and had to start again",
            "the mentor I liked left",
            "{tutor} went back to uni and that was the end of it",
            "my tutor changed three times",
            "{tutor} left halfway and the new one didn't know where we were up to",
            "we had a different mentor nearly every week",
            "{teacher} left at Christmas and after that it was a bit all over the place",
        ),
    },
    "fizzle.awareness": {
        "any": (
            "my mum didn't know I was doing it",
            "half my form didn't know it existed",
            "the times changed and nobody said",
            "nobody told us when the sessions were",
            "my parents never heard anything about it",
            "I found out it was cancelled when I got there",
            "I didn't even know it was on until {friend} told me",
        ),
    },
    "fizzle.resources": {
        "any": (
            "the room was too small for all of us",
            "we had to share worksheets",
            "sometimes there wasn't a tutor so we just sat there",
            "there were like twelve of us and one tutor",
            "the room was always double booked",
            "they ran out of workbooks",
            "the laptops never worked",
        ),
    },
    "fizzle.leadership": {
        "any": (
            "it didn't feel like the school cared if we went",
            "it got cancelled for assemblies all the time",
            "the head of year never asked about it",
            "the teachers didn't seem that bothered about it",
            "the head never mentioned it once",
            "school kept moving it for other stuff like it didn't matter",
        ),
    },
    "recommend.agreed_aims": {
        "any": (
            "they should say at the start what we're meant to get out of it",
            "nobody explained what the point was",
            "we should set our own goals at the beginning",
            "it would help if they told us what we were actually working towards",
            "they should set targets at the start",
            "I didn't really know what it was for",
        ),
    },
    "recommend.link_people": {
        "any": (
            "it would help if {teacher} and {tutor} actually talked to each other",
            "there should be one person you can message about it",
            "the tutor should know what we're doing in class",
            "it would be good to have one person to go to about it",
            "{teacher} sorted everything out which helped",
            "there should be someone in school who knows what's going on with it",
        ),
    },
    "recommend.review_points": {
        "any": (
            "they should ask us every few weeks how it's going",
            "a check in halfway would be good",
            "they only asked for feedback at the end",
            "they should check halfway if it's working",
            "we should get asked what to change more than once",
            "it would be good to have a catch up with {teacher} in the middle",
        ),
    },
    "recommend.impact_evidence": {
        "any": (
            "I'd like to see a graph of how much I improved",
            "they should compare our test scores from the start and the end",
            "tell us if it worked",
            "they should show us our scores before and after",
            "nobody told us if we actually improved",
            "I want to see if my marks went up because of it",
        ),
    },
    "features.impactful": {
        "any": (
            "it's the reason I passed my mock",
            "it genuinely helped, not just a waste of time",
            "it actually changed how I do in lessons",
            "it actually made a difference",
            "it's the only thing this year that actually helped",
            "honestly it worked, I'd tell anyone to do it",
        ),
    },
    "features.mutual_benefit": {
        "any": (
            "the tutors said they were learning to be teachers from it",
            "it's good for the uni students too, they get experience",
            "{tutor} said it helped her decide to be a teacher",
            "{tutor} said she learned loads from us too",
            "the uni students said it helped them as well",
        ),
    },
    "features.disadvantage": {
        "any": (
            "it's for people whose parents can't afford tutors",
            "we wouldn't have got this otherwise",
            "it's fair that it goes to people who need it most",
            "it's good they pick people who can't pay for tutors",
            "it's for people who wouldn't get help otherwise",
            "my mum could never pay for something like this",
        ),
    },
    "features.sustainable": {
        "any": (
            "it should carry on for the younger years",
            "please keep it going next year",
            "it would be good if it didn't stop after this year",
            "I hope they keep doing it next year for my sister",
            "they should do it every year not just this one",
        ),
    },
}

OUTCOME_CODES = tuple(c for c in CORES if c.startswith("outcomes."))
BARRIER_CODES = tuple(c for c in CORES if c.startswith("barriers."))
OTHER_CODES = tuple(c for c in CORES if not c.startswith(("outcomes.", "barriers.")))

QUESTIONS: dict[str, str] = {
    "feel_subject": "How do you feel about {subject} at the moment?",
    "future": "What would you like to do after Year 11?",
    "school": "How do you feel about school in general?",
    "obstacles": "Is there anything that might stop you getting to the tutoring sessions?",
    "difference": "What difference, if any, has the tutoring made to you?",
    "change": "What would you change about the tutoring?",
}
BEFORE_QUESTIONS = ("feel_subject", "future", "school", "obstacles")
AFTER_QUESTIONS = ("feel_subject", "future", "school", "difference", "change")

# (question, wave) -> codes a first core is drawn from (weights by repetition)
PRIMARY: dict[tuple[str, str], tuple[str, ...]] = {
    ("feel_subject", "before"): ("outcomes.confidence",) * 3 + ("outcomes.attainment",) * 3 + ("outcomes.engagement",) * 2 + ("outcomes.wellbeing",),
    ("feel_subject", "after"): ("outcomes.confidence",) * 3 + ("outcomes.attainment",) * 3 + ("outcomes.engagement",) * 2 + ("outcomes.wellbeing",),
    ("future", "before"): ("outcomes.aspiration",),
    ("future", "after"): ("outcomes.aspiration",),
    ("school", "before"): ("outcomes.belonging",) * 2 + ("outcomes.wellbeing",) * 2 + ("outcomes.engagement",),
    ("school", "after"): ("outcomes.belonging",) * 2 + ("outcomes.wellbeing",) * 2 + ("outcomes.engagement",),
    ("obstacles", "before"): ("barriers.time",) * 4 + ("barriers.cost",) * 2 + ("barriers.no_take_up", "barriers.patronising"),
    ("difference", "after"): OUTCOME_CODES * 2 + ("features.impactful",),
    ("change", "after"): BARRIER_CODES * 2 + ("barriers.time",) * 2 + OTHER_CODES,
}

FILLERS: dict[str, tuple[str, ...]] = {
    "job": ("vet", "mechanic", "nurse", "game designer", "lawyer", "hairdresser", "electrician", "doctor",
            "paramedic", "midwife", "engineer", "PE teacher", "chef", "footballer", "police officer",
            "plumber", "architect", "social worker", "youtuber", "pilot"),
    "grade": ("4", "5", "6", "7", "5", "4"),
    "low": ("2", "3", "U", "1", "3"),
    "topic": ("fractions", "algebra", "simultaneous equations", "quotes in Macbeth", "percentages",
              "ratio", "Inspector Calls", "the Power and Conflict poems", "electricity", "balancing equations",
              "probability", "persuasive writing"),
}

PADDING: tuple[str, ...] = (
    "we did it in the library",
    "it was on Tuesdays",
    "we had biscuits sometimes",
    "{tutor} supports Arsenal",
    "it was online at first then in school",
    "there were four of us in my group",
    "we did it in the old science block",
    "{friend}'s brother did it last year",
    "so yeah",
    "I think",
    "if that makes sense",
    "that's it really",
)

OFF_TOPIC: tuple[str, ...] = (
    "can we have longer lunch",
    "the canteen pizza is mid",
    "why do we have to wear blazers in summer",
    "idk",
    "nothing",
    "no",
    "?",
    "is this going to be marked",
    "{friend} is copying me",
    "lol",
    "the toilets on the top corridor are always locked",
    "when is the prom",
    "football",
    "my pen ran out",
)
EMPTY: tuple[str, ...] = ("", "", "n/a", "N/A", "-")

EMOJI = ("😭", "😂", "👍", "🙂", "💀", "🔥", "🤷", "😅", "🙏")
TEXT_SPEAK: tuple[tuple[str, str], ...] = (
    (r"\byou\b", "u"), (r"\byour\b", "ur"), (r"\bbecause\b", "cos"), (r"\bto be honest\b", "tbh"),
    (r"\bI don't know\b", "idk"), (r"\breally\b", "rlly"), (r"\bgoing to\b", "gonna"),
    (r"\bwant to\b", "wanna"), (r"\bprobably\b", "prob"), (r"\bsomething\b", "smth"),
    (r"\bthough\b", "tho"), (r"\bpeople\b", "ppl"), (r"\bwith\b", "w"),
)
HEDGES = ("ngl", "lowkey", "tbh", "honestly", "like", "basically", "to be fair")


@dataclass(frozen=True)
class PupilContext:
    """What a quote template needs to know about its writer."""

    subject: str
    tutor: str
    friend: str
    teacher: str
    voice: str  # tidy | casual | text


def choose_voice(rng: random.Random) -> str:
    return rng.choices(("tidy", "casual", "text"), weights=(25, 45, 30))[0]


def _fill(template: str, ctx: PupilContext, rng: random.Random) -> str:
    slots = {key: rng.choice(values) for key, values in FILLERS.items()}
    slots["n"] = str(rng.randint(9, 38))
    return template.format(subject=ctx.subject, tutor=ctx.tutor, friend=ctx.friend, teacher=ctx.teacher, **slots)


def _stance(code: str, wave: str, rng: random.Random) -> str:
    stances = CORES[code]
    if "pre" in stances and wave == "before" and rng.random() < 0.7:
        return "pre"
    if "any" in stances:
        return "any"
    if wave == "before":
        return "low" if rng.random() < 0.94 else "up"
    return "flat" if rng.random() < 0.18 else ("up" if rng.random() < 0.93 else "low")


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1:]


def apply_voice(text: str, voice: str, rng: random.Random, protected: tuple[str, ...] = ()) -> str:
    """Rewrite a quote the way a pupil with this voice would type it."""
    if voice == "tidy":
        text = text[0].upper() + text[1:]
        return text if text[-1] in ".!?" else text + "."
    if voice == "text":
        for pattern, short in TEXT_SPEAK:
            if rng.random() < 0.7:
                text = re.sub(pattern, short, text)
        if rng.random() < 0.35:
            text = f"{rng.choice(HEDGES)} {text}"
    words = text.split(" ")
    if rng.random() < (0.45 if voice == "text" else 0.2):
        candidates = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha() and w.islower()
                      and w not in protected]
        if candidates:
            i = rng.choice(candidates)
            words[i] = _typo(words[i], rng)
    text = " ".join(words).replace("'", "") if rng.random() < 0.6 else " ".join(words)
    if voice == "text" or rng.random() < 0.5:
        text = text.lower()
    if voice == "text" and rng.random() < 0.4:
        text = f"{text} {rng.choice(EMOJI)}"
    elif rng.random() < 0.15:
        text = text + rng.choice(("!!", "...", " lol", " haha"))
    return text


def make_quote(rng: random.Random, ctx: PupilContext, question: str, wave: str) -> tuple[str, list[str]]:
    """One quote's text and its intended codes (empty list for off-topic or empty answers)."""
    roll = rng.random()
    if roll < 0.025:
        return rng.choice(EMPTY), []
    if roll < 0.065:
        return apply_voice(_fill(rng.choice(OFF_TOPIC), ctx, rng), ctx.voice, rng), []
    codes = [rng.choice(PRIMARY[(question, wave)])]
    if rng.random() < 0.28:
        pool = OUTCOME_CODES if wave == "after" or rng.random() < 0.6 else BARRIER_CODES
        if question in ("change", "obstacles"):
            pool = BARRIER_CODES + OTHER_CODES
        second = rng.choice(pool)
        if second not in codes:
            codes.append(second)
    parts = [_fill(rng.choice(CORES[c][_stance(c, wave, rng)]), ctx, rng) for c in codes]
    if rng.random() < 0.2:
        parts.insert(rng.randrange(len(parts) + 1), _fill(rng.choice(PADDING), ctx, rng))
    text = parts[0]
    for part in parts[1:]:
        text += rng.choice((". ", " and ", ", ", ". also ", " but ", ". "))
        text += part
    return apply_voice(text, ctx.voice, rng, protected=(ctx.tutor, ctx.friend)), codes
