"""What people say at the synthetic roundtables: one pool of statements per code, plus the talk
around them (facilitator prompts, introductions, back-channel, off-topic asides, personal details).

Written for this project; no sentence is taken from any article. A statement starting ``S|`` is
said only by the school side (school leaders, trust partners), ``P|`` only by providers (charity
leads, tutors, university partners), ``T|`` only by tutors. Slots are filled by
``synth_transcripts.py``: {charity} {school} {trust} {uni} {pupil} {yr} {n} {term} {subject} {other}.
Statements never contain a colon, so no line of a rendered transcript looks like a speaker label
by accident.
"""

from __future__ import annotations

STATEMENTS: dict[str, tuple[str, ...]] = {
    "features.impactful": (
        "P|We track every pupil from the first session, so when we say it worked we can show which pupils and by how much.",
        "Honestly, I'd rather stop something that isn't working than keep it going because everyone likes it.",
        "What I want to know is whether it moves the needle. If a pupil's reading age goes up by a year, that's a difference I can point to.",
        "For me the test is simple. Would those kids be in a different place without it? With the {subject} group in {yr}, I genuinely think yes.",
        "We've had plenty of nice projects over the years that didn't change anything measurable, and I think we have to be honest about that.",
        "The partnerships that earn their place are the ones where you can see the difference in the classroom within a term.",
        "S|Our governors asked the blunt question, is this making any difference, and for once I could say yes and show them why.",
        "Impact has to be something you could count, not just a feeling that it went well.",
    ),
    "features.sustainable": (
        "We wrote a handbook so that whoever picks it up next year isn't starting from a blank page.",
        "P|Our aim is that in three years the school could run most of it without us.",
        "The real question is whether it survives me leaving. If it all lives in my inbox, it isn't sustainable.",
        "S|We've built it into the timetable now rather than bolting it on, which I think is what gives it a chance of lasting.",
        "Anything funded for one year only, you spend half of it setting up and the other half winding down.",
        "It has to outlast any one person. We've got two members of staff who know the whole thing inside out now, deliberately.",
        "S|We're in our fourth year with {charity} and honestly it's because it became part of how the school runs, not a project.",
        "I'd rather have something small that runs for five years than something shiny that's gone by {term}.",
    ),
    "features.mutual_benefit": (
        "S|Our staff got free training out of it, which nobody expected.",
        "The tutors see what a real classroom is like, and the school gets an extra pair of hands. Both sides win.",
        "P|It can't just be us receiving. Our tutors get an awful lot out of it too, a couple of them have gone into teaching because of it.",
        "The university gets something real as well, their students get training and experience they can't get on campus.",
        "P|We learn a lot from the schools. Half of what's in our tutor training now came from feedback from staff at {school}.",
        "When both sides get something out of it, people turn up to the meetings. When it's one way, they stop coming.",
        "S|Our sixth formers running the reading sessions grew as much as the Year 7s did, so it genuinely works both ways.",
        "P|I'd say the benefit to us as a charity is that we stay honest. Schools tell us very quickly when something isn't working.",
    ),
    "features.disadvantage": (
        "S|We deliberately didn't offer it to everyone. It went to the pupils with the biggest gaps and the least support at home.",
        "Disadvantage isn't just free school meals. Young carers, kids in temporary housing, we included them too.",
        "We target it. About seventy percent of the tutored group are Pupil Premium, and that was agreed at the start.",
        "If it isn't reaching the disadvantaged kids, then frankly what's the point. The gap is what we're trying to close.",
        "The pupils who need it most are often the ones least likely to sign up for anything, so we have to go and find them.",
        "S|Our catchment has some of the highest deprivation in the county, and that's why we went for it.",
        "Free school meals eligibility was the first filter, then we looked at who had fallen furthest behind since lockdown.",
        "The families who can pay for a private tutor already do. This is about everyone else.",
    ),
    "fizzle.leadership": (
        "S|Our SLT link changed three times in two years, and each time the partnership dropped down the list.",
        "P|You can tell within one meeting whether the head actually wants it or has just agreed to it.",
        "S|Without the head behind it, it just doesn't happen. Warm words in a briefing aren't the same as protecting the time.",
        "S|Our old SLT were lovely about it but nobody senior ever actually owned it, and it drifted.",
        "S|The moment SLT stopped asking about it in line management meetings, it slipped down everyone's list.",
        "You need someone senior who will say no to the other thing that wants that slot on a Wednesday.",
        "I've seen it fall apart because the headteacher changed and the new one had different priorities. Completely understandable, but it died.",
        "S|It only got traction when our deputy head put it in the school improvement plan.",
    ),
    "fizzle.awareness": (
        "P|We found out at the end of the year that the heads of year had never been briefed at all.",
        "S|If the office staff don't know who the tutors are, they can't even get through reception.",
        "S|Half the staff room didn't know the tutors were in the building, which says a lot about how we communicated it.",
        "S|Parents never heard about it. We sent one letter in September and assumed that was enough.",
        "S|The form tutors weren't told, so when a pupil said they were going to tutoring, they got told to stay in class.",
        "S|We didn't tell the governors anything until the end, and then they were surprised it had been running at all.",
        "Communication is the thing I'd fix first. Nobody outside the core team knew what it was for.",
        "S|Heads of year kept booking other interventions in the same slot because they had no idea ours existed.",
    ),
    "fizzle.resources": (
        "The NTP money helped, but the admin around it nearly broke our data manager.",
        "P|We've got two staff covering forty schools. Something has to give.",
        "S|Everyone's stretched. I've got one member of staff covering three roles already, so who coordinates it?",
        "S|The money ran out when the NTP subsidy dropped and we couldn't cover the difference from our own budget.",
        "We didn't have a room. Genuinely, the tutors were working in a corridor for the first few weeks.",
        "It's not the tutoring that costs us, it's the staff time around it. The timetabling alone took days.",
        "P|Our funding is year to year, so I can never promise a school we'll still be there in eighteen months.",
        "P|We were running on goodwill, and goodwill runs out by about February.",
    ),
    "fizzle.turnover": (
        "S|We lost our Pupil Premium lead in the summer and with her went every relationship with the charity.",
        "P|Three of our best tutors graduated in the same month. We hadn't planned for it at all.",
        "P|Our link teacher left at Easter and we basically had to start from scratch with the new person.",
        "Staff turnover kills these things. The knowledge walks out of the door with whoever set it up.",
        "P|We had three different contacts at {school} in one year. Each time we lost about a month.",
        "P|Our tutors are students, so by definition they move on. We have to plan for that from day one.",
        "S|When our head of maths went on maternity leave, nobody picked it up, and it just quietly stopped.",
        "Leadership needs to be spread around, otherwise one resignation and it's gone.",
    ),
    "recommend.agreed_aims": (
        "Write down who the pupils are, what you want for them, and how you'll know. Everything else follows from that.",
        "S|We now say no to anything that doesn't fit our improvement priorities, however kind the offer.",
        "Agree what success looks like before anyone meets a pupil. We write it down on one side of A4 now.",
        "P|The first conversation has to be about what the school actually needs, not what we happen to offer.",
        "P|We got much better once we were clear about our non-negotiables up front, like group size and attendance.",
        "If we'd sat down and agreed the aims at the start, we'd have saved ourselves a whole term of crossed wires.",
        "Be realistic about what you can deliver. Overpromising in September is how you disappoint everyone by March.",
        "P|We ask the school, if this works brilliantly, what will be different in July? And we build back from that.",
        "Alignment matters. If it means we have to rip up what we already do, is it really worth it? That has to be answered early.",
    ),
    "recommend.link_people": (
        "S|Our link person has fifteen minutes a week protected on the timetable just for the partnership.",
        "Make sure the link person has the authority to actually sort things, not just pass messages on.",
        "One named person on each side. That's the single thing that made the biggest difference for us.",
        "P|Our link person at {school} knows the timetable, knows the behaviour policy, knows which kids have had a bad week. That's gold.",
        "Over-communicate the logistics. Room changes, trips, mock weeks, tell the tutors everything.",
        "P|We give every tutor a one page guide to the school, uniform rules, the bell times, who to go to.",
        "The tutors need to know the school's rules so they aren't undermining the teachers by accident.",
        "A quick message every Friday from our coordinator saved us so many problems.",
        "It helps when the tutors are introduced to staff properly, not just signed in at reception.",
    ),
    "recommend.review_points": (
        "S|We put a review in straight after the autumn mocks, when we actually have data to look at.",
        "P|Every six weeks we sit down with the school and look at attendance and progress together.",
        "Put the review meetings in the calendar in September, otherwise they never happen.",
        "We meet at October half term, February and the end of the year, and we actually change things each time.",
        "You have to build in moments to ask, is this still the right group of pupils, is it still the right time of day.",
        "We reviewed after six weeks and completely changed the grouping. If we'd waited until the summer it would have been wasted.",
        "Reflect, adjust, go again. It sounds obvious but most partnerships never stop to look.",
        "A mid-point check with the heads of year is where we catch the kids who've stopped turning up.",
    ),
    "recommend.impact_evidence": (
        "S|Our governors liked seeing the comparison with similar pupils who weren't tutored.",
        "A simple before and after survey, the same questions both times, told us more than a long report.",
        "Governors want numbers, but the before and after quotes from the kids are what actually land.",
        "P|We design the evaluation together with the school, so we're measuring something they care about.",
        "P|Share the data, even anonymised. We can't show impact if we never see the assessment results.",
        "Numbers on their own don't tell the story. We pair the test scores with what the pupils say.",
        "P|The most powerful thing in our report to trustees was three pupils describing how they felt before and after.",
        "We use a comparison group from the same year group, otherwise you can't really say it was the tutoring.",
        "P|If we can't show the trust some evidence by the summer, the funding conversation gets very difficult.",
    ),
    "barriers.no_take_up": (
        "S|The letter home got a handful of replies. When the tutor phoned the families, we filled every place.",
        "Year 11 boys are the hardest group to get through the door, every single year.",
        "P|We offered free places to five local schools and not one replied. Turned out the email went to the office inbox.",
        "Attendance dropped off a cliff after the first month, especially the Year 11 boys.",
        "The kids who need it most are the ones who don't turn up to the after-school slot.",
        "We had twenty places and six sign-ups. It took us a while to work out why.",
        "Nobody came to the parents' information evening. Not one family.",
        "Some pupils see being picked for tutoring as a label, so they just don't come.",
    ),
    "barriers.patronising": (
        "S|One presentation talked about 'raising aspirations' as if our families didn't have any. That went down badly.",
        "The pupils can smell pity a mile off. It has to feel like respect.",
        "There's a real risk of coming across as the people who've come to rescue the school, and staff pick that up immediately.",
        "S|I'll be honest, the first session felt like we were being done to. The tone was off.",
        "It can't feel like charity in the bad sense. Our kids are sharp, they can tell when someone is talking down to them.",
        "S|Some of the language in the early materials was a bit patronising, all that stuff about 'hard to reach' families.",
        "P|We were quite careful not to go in as experts. The teachers know their pupils far better than we do.",
        "P|A couple of the volunteers came in with a bit of a saviour attitude and we had to have a word.",
    ),
    "barriers.outreach_not_partnership": (
        "S|We used to get offers that were really about the other organisation's targets, not our pupils.",
        "P|Sending a speaker in for an assembly and ticking a box is not the same as working together.",
        "P|For years what we called partnership was really outreach. We'd invite schools to use our facilities and call it a day.",
        "A one-off assembly from a university isn't a partnership, however nice the photos look.",
        "It has to be planned together. If we design it on our own and offer it out, it's outreach, and it shows.",
        "P|We used to send the offer out in a brochure. Now we start by asking what the school wants to do together.",
        "P|I think we were doing things for schools rather than with them, and that's a different relationship.",
        "P|The shift for us was from lending our sports hall to actually co-designing something with the school.",
    ),
    "barriers.cost": (
        "S|Cover costs are the hidden one. Every time a teacher attends a planning meeting, someone has to pay for a supply teacher.",
        "P|We subsidise the sessions, but we still charge something, and for some schools that's the end of the conversation.",
        "Cost is the elephant in the room. Even subsidised, the school contribution is real money from a tight budget.",
        "Transport kills it. A minibus to the university is three hundred pounds before anyone has learned anything.",
        "S|When the subsidy went down from seventy-five to sixty percent, we had to cut the group in half.",
        "It doesn't have to cost much, but it always costs something, even if it's just cover for staff.",
        "We've had to go to local businesses to pay for the travel, which works, but it takes time to set up.",
        "S|Our Pupil Premium budget is already committed three times over.",
    ),
    "barriers.time": (
        "Getting DBS checks through took six weeks, and that's six weeks of the programme gone.",
        "S|By the time the tutors arrived it was November and we were already into mocks.",
        "S|Time is the big one. My staff haven't got a spare minute, so anything that adds admin is a no.",
        "The risk assessments and registers alone are a job, and someone has to do them.",
        "S|Finding a slot in the timetable that doesn't pull kids out of something important is nearly impossible in Year 11.",
        "S|Tutors can only do certain days, and those days never line up with our mock weeks.",
        "Everyone is busy. Start small, with the people who are actually excited about it.",
        "S|We lost three weeks to mocks, two to trips and one to snow. That's a lot of a twelve week programme.",
    ),
    "outcomes.confidence": (
        "T|You can see it in how they walk into the room now. They don't hang about at the door.",
        "S|Her teacher said she asked a question in front of the whole class for the first time this year.",
        "I'd separate confidence with the tutor from confidence in class. The first comes quickly, the second takes much longer.",
        "The biggest change I've seen is confidence. {pupil} wouldn't speak in a group in {term} and now answers questions without being asked.",
        "They're more willing to have a go. That's what the class teachers notice first.",
        "Small group tutoring gives them a place to be wrong without an audience, and that builds confidence.",
        "A lot of our kids had decided they were bad at {subject}. Changing that belief is half the battle.",
        "I'm not convinced it's confidence. I think some of them are just more comfortable with the tutor, which isn't the same thing.",
    ),
    "outcomes.aspiration": (
        "P|When they meet students who are the first in their family at university, something clicks.",
        "S|Two of our pupils applied for the summer school at the university, which would never have happened before.",
        "Aspiration was never really the problem for our kids. It's knowing the route that's missing.",
        "The campus visit changed how some of them talk about the future. University stopped being something for other people.",
        "Having tutors who are only a few years older, who grew up round here, that does something for aspiration.",
        "We had three pupils ask about sixth form who'd never mentioned it before.",
        "Some of our kids have never met anyone who went to university. That's what the mentoring gives them.",
        "I worry a bit about raising aspirations without the grades to back them up. The two have to go together.",
    ),
    "outcomes.attainment": (
        "S|The tutored group closed about half of the gap with their peers in the spring assessments.",
        "It's one year and small numbers, so I'd want another cohort before I said it raised attainment.",
        "P|Our end of programme test showed gains in every school, but bigger in some than others.",
        "In maths, the tutored group gained about four standardised score points more than the comparison group.",
        "Our Year 11s in the programme made better progress in the mocks than similar pupils who weren't in it.",
        "I'd be careful claiming too much for attainment off one cohort, but the early signs are good.",
        "Six of the eight in {pupil}'s group moved from a 3 to a 4 in the December mocks.",
        "Reading ages went up on average by about eleven months over two terms.",
    ),
    "outcomes.engagement": (
        "S|Homework completion went up noticeably for the tutored group.",
        "T|The ones who came every week started bringing questions from their lessons, which is a great sign.",
        "Engagement dipped after Christmas, as it always does, but it came back.",
        "Attendance in the sessions was over ninety percent, which for that group is remarkable.",
        "Teachers say they're more engaged in lessons, bringing equipment, doing homework, those small things.",
        "It's the kids who were switched off that surprised us most. They actually wanted to come.",
        "{pupil} stopped getting sent out of {subject} in the spring, which the head of year put down to the tutoring.",
        "Engagement is easier to see than attainment, and honestly it's where the change showed first.",
    ),
    "outcomes.wellbeing": (
        "T|A lot of the first session was just letting them talk about how worried they were.",
        "S|Our pastoral team said the tutored pupils were referred less in the spring.",
        "I think for some of them it was simply an hour a week when an adult listened.",
        "It's had a pastoral effect we didn't plan for. Some of them use the session as a safe place to talk.",
        "Exam anxiety came up again and again, and the tutors ended up doing a lot of reassurance.",
        "After the year they've had, wellbeing has to come first, otherwise no learning happens.",
        "I'd be cautious, tutors aren't counsellors, but the kids do seem calmer going into exams.",
    ),
    "outcomes.belonging": (
        "S|One boy told his head of year it was the only place in school he felt he fitted in.",
        "T|They started sitting together at lunch, which none of us had planned.",
        "It gave some of them a reason to be in school on a Tuesday, and that matters.",
        "Some of them said it was the first time they felt someone in school was on their side.",
        "The group became a bit of a community. They'd wait for each other outside the room.",
        "For pupils who joined us mid-year, the sessions gave them a way into the school.",
        "Belonging is underrated. If they feel they belong, the rest follows.",
    ),
}

SECTION_PROMPTS: dict[str, tuple[str, ...]] = {
    "welcome": (
        "Right, I think that's everyone. Thank you all for coming. Shall we do a quick round of introductions?",
        "Good afternoon everyone, and thanks for giving up your time. Let's start with names and where you're from.",
        "Welcome, all. Before we get going, could everyone just say who they are and their connection to the partnership?",
    ),
    "aims": (
        "Let's start with aims. When you set the partnership up, what were you actually trying to achieve?",
        "First question then. What did each side want out of this at the start, and did you agree it?",
        "I'd like to begin with purpose. Why did you go into partnership in the first place?",
    ),
    "what works": (
        "Moving on. What's working well, in practice, day to day?",
        "Let's talk about what works. If a new school joined tomorrow, what would you tell them to copy?",
        "So, the good stuff. What has made the biggest difference to how the partnership runs?",
    ),
    "barriers": (
        "Let's turn to what gets in the way. What are the barriers you keep running into?",
        "I want to spend some time on the difficulties. What has made this hard?",
        "OK, the less comfortable part. Where has it gone wrong or nearly gone wrong?",
    ),
    "sustaining it": (
        "Thinking longer term, what keeps a partnership going, and what makes them fizzle out?",
        "Let's look ahead. How do you make sure this is still running in three years?",
        "A question about sustainability. What happens to all this when people move on?",
    ),
    "evidence": (
        "Let's talk about evidence. How do you know it's working, and who do you have to convince?",
        "Turning to impact. What evidence do you collect, and what do you do with it?",
        "How are you measuring any of this? And what would you want to measure that you can't yet?",
    ),
    "next steps": (
        "We're nearly out of time. What's one thing each of you will do differently next term?",
        "To finish, can I ask everyone for one recommendation for a school or charity starting out?",
        "Last round. If you could change one thing about how partnerships are set up, what would it be?",
    ),
}

FACILITATOR_FOLLOW_UPS: tuple[str, ...] = (
    "Can you say a bit more about that?",
    "Does anyone see it differently?",
    "That's interesting. {other}, is that your experience too?",
    "I'm conscious we haven't heard from everyone yet.",
    "Let me just pick up on that, because I think it's important.",
    "Thank you. Anyone want to come in on that?",
    "How did the pupils experience that, do you think?",
    "Sorry, I'll need to move us on in a minute, but briefly.",
)

INTRODUCTIONS: tuple[str, ...] = (
    "Hi everyone, I'm {name}, {title} at {org}. {intro_tail}",
    "Hello, {name}, {title} at {org}. {intro_tail}",
    "Morning all. {name}, {title}, {org}. {intro_tail}",
    "I'm {name}. {title}, over at {org}. {intro_tail}",
)

INTRO_TAILS: tuple[str, ...] = (
    "S|We've been working with {charity} for about {n} years now.",
    "I'm mostly here to listen, to be honest.",
    "This is my first year in the role, so I've inherited the partnership.",
    "I look after the day to day running of the tutoring.",
    "Looking forward to this.",
    "I've got a hard stop at four, apologies in advance.",
    "I was one of the people who set the whole thing up, for my sins.",
    "T|I've been tutoring in two of the schools since September.",
)

BACKCHANNEL: tuple[str, ...] = (
    "Yes, absolutely.",
    "Mm. Same for us.",
    "That's really interesting.",
    "Completely agree.",
    "Sorry, go on.",
    "Yeah.",
    "Ha, yes, I know that feeling.",
    "That rings a bell.",
    "Exactly that.",
    "Sorry, you cut out for a second there.",
)

OFF_TOPIC: tuple[str, ...] = (
    "Sorry, is anyone else's video frozen? I've lost {other} completely.",
    "Apologies, there's a fire drill going on behind me, I'll mute for a moment.",
    "Does anyone know the code for the car park gate? Someone's just messaged me.",
    "Sorry, completely off topic, but did everyone get the invite for the trust conference in June?",
    "Apologies, the caretaker's just come in to set up for parents' evening.",
    "Can I just say the biscuits today are excellent.",
    "Sorry, my laptop's about to die. Two seconds while I find a charger.",
    "Random question, but is anyone going to the {yr} results evening?",
)

OPENERS: tuple[str, ...] = (
    "", "", "", "", "Yeah. ", "I think ", "For us, ", "Honestly, ", "So, ", "Building on what {other} said, ",
    "Just to add to that, ", "Speaking for us, ", "I'd say ", "Can I come in here? ", "Mm. ",
)

DISAGREE_OPENERS: tuple[str, ...] = (
    "I'm not sure I agree with {other} there. ",
    "I'd push back on that a little. ",
    "Respectfully, that hasn't been our experience at all. ",
    "I hear that, but I'd put it differently. ",
    "I don't think that's quite right, actually. ",
)

CLOSERS: tuple[str, ...] = (
    "", "", "", "", " If that makes sense.", " That's been our experience, anyway.",
    " I don't know if others have found the same.", " But it's early days.", " Anyway.",
)

# Turns carrying personal data that the privacy step must catch later; (template, codes).
PERSONAL_DATA: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("We had a pupil, {pupil_full}, in {yr}, who wouldn't say a word in maths, and by February was the first to answer.", ("outcomes.confidence",)),
    ("If anyone wants the tracking spreadsheet, email me on {email} and I'll send it over.", ("recommend.impact_evidence",)),
    ("My mobile is {phone} if the link person can't get hold of me. Honestly, just ring.", ("recommend.link_people",)),
    ("We're out at {postcode}, right on the edge of the estate, so getting kids to Saturday sessions is a nightmare.", ("barriers.cost", "barriers.time")),
    ("{pupil}'s mum rang me to say it was the first time {pupil} had talked about college at home.", ("outcomes.aspiration",)),
    ("The parents can reach our coordinator on {phone} or at {email}, and that line gets used a lot.", ("recommend.link_people",)),
)

INTERRUPT_TAILS: tuple[str, ...] = (" and the thing is —", " so what we did was —", " but the problem —", "...")
INTERRUPTERS: tuple[str, ...] = (
    "Sorry to jump in, but ",
    "Can I just come in on that, because ",
    "Sorry, sorry, just quickly, ",
)
RESUMERS: tuple[str, ...] = (
    "No, that's fair. What I was going to say was, ",
    "Yes. Anyway, where I was going with it, ",
    "Right. So, picking up where I was, ",
)
