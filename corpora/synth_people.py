"""Fictional people, schools and partnerships for the synthetic sample corpora.

Everything here is invented by this project. Place names are made up; e-mail domains use
``example.org`` subdomains; phone numbers come from Ofcom's drama range (07700 900xxx); the
postcode area ``NX`` is not a real one. Loaded by ``corpora/generate.py`` (not a package).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class School:
    name: str
    short: str  # what people call it in conversation
    urn: int
    partnership: str
    charity: str
    email_domain: str


@dataclass(frozen=True)
class Speaker:
    name: str
    role: str  # researcher's role category: facilitator, school leader, charity lead, tutor, trust partner, university partner
    title: str  # job title as said in the room
    org: str
    aliases: tuple[str, ...] = ()


@dataclass
class Pupil:
    pupil_id: str
    first: str
    surname: str
    school: School
    year_group: int
    subject: str
    disadvantaged: bool
    nickname: str = ""
    friends: list[str] = field(default_factory=list)  # first names or nicknames of classmates

    @property
    def name(self) -> str:
        return f"{self.first} {self.surname}"


PARTNERSHIP_TUTORING = "Lanternway Tutoring Partnership"
PARTNERSHIP_MENTORING = "Openfield Mentoring Partnership"
CHARITY_TUTORING = "Lanternway Tutoring"
CHARITY_MENTORING = "Openfield Mentors"
TRUST = "Harrowdene Academies Trust"
UNIVERSITY = "University of Wexcombe"

SCHOOLS: tuple[School, ...] = (
    School("Marlowmere Academy", "Marlowmere", 914203, PARTNERSHIP_TUTORING, CHARITY_TUTORING, "marlowmere.example.org"),
    School("Fenwick Cross School", "Fenwick Cross", 917455, PARTNERSHIP_TUTORING, CHARITY_TUTORING, "fenwickcross.example.org"),
    School("Hollinsgate Community College", "Hollinsgate", 921986, PARTNERSHIP_TUTORING, CHARITY_TUTORING, "hollinsgate.example.org"),
    School("Brackenfold Academy", "Brackenfold", 935017, PARTNERSHIP_MENTORING, CHARITY_MENTORING, "brackenfold.example.org"),
    School("St Aldric's Catholic High School", "St Aldric's", 942368, PARTNERSHIP_MENTORING, CHARITY_MENTORING, "staldrics.example.org"),
    School("Wyvern Heath High School", "Wyvern Heath", 958741, PARTNERSHIP_MENTORING, CHARITY_MENTORING, "wyvernheath.example.org"),
)

# Schools that appear only in the KS4 table (neighbours used for context in mixed-methods work).
OTHER_SCHOOLS: tuple[tuple[str, int], ...] = (
    ("Larkspur Rise Academy", 963150),
    ("Oakhurst Moor School", 970422),
    ("Pennyrigg High School", 976893),
    ("Calderbrook Free School", 981204),
    ("Kettlewick School", 989576),
)

SPEAKERS: tuple[Speaker, ...] = (
    Speaker("Ruth Okafor", "facilitator", "Facilitator", "Fieldnote Research", ("Ruth",)),
    Speaker("Tom Brennan", "facilitator", "Facilitator", "Fieldnote Research", ("Tom",)),
    Speaker("Helen Marsh", "school leader", "Deputy Headteacher", "Marlowmere Academy", ("Helen", "Mrs Marsh")),
    Speaker("Daniel Osei", "school leader", "Head of Year 11", "Fenwick Cross School", ("Dan", "Daniel", "Mr Osei")),
    Speaker("Priya Raman", "school leader", "Assistant Head and Pupil Premium lead", "Hollinsgate Community College", ("Priya", "Ms Raman")),
    Speaker("Gareth Lloyd", "school leader", "Headteacher", "Brackenfold Academy", ("Gareth", "Mr Lloyd")),
    Speaker("Siobhan Keane", "school leader", "SENCo", "St Aldric's Catholic High School", ("Siobhan", "Miss Keane")),
    Speaker("Owen Pritchard", "school leader", "Head of Maths", "Wyvern Heath High School", ("Owen", "Mr Pritchard")),
    Speaker("Marcus Bell", "charity lead", "Programme Director", CHARITY_TUTORING, ("Marcus",)),
    Speaker("Aisha Rahman", "charity lead", "Schools Partnership Manager", CHARITY_MENTORING, ("Aisha",)),
    Speaker("Jamie Fraser", "tutor", "Tutor", CHARITY_TUTORING, ("Jamie",)),
    Speaker("Chloe Winters", "tutor", "Volunteer mentor", CHARITY_MENTORING, ("Chloe",)),
    Speaker("Kwame Mensah", "tutor", "Tutor", CHARITY_TUTORING, ("Kwame",)),
    Speaker("Fiona Hart", "trust partner", "Director of Education", TRUST, ("Fiona", "Dr Hart")),
    Speaker("Imran Qureshi", "university partner", "Widening Participation Officer", UNIVERSITY, ("Imran",)),
)

# School staff mentioned by pupils and speakers, who do not speak at the roundtables.
STAFF: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Anjali Patel", "Marlowmere Academy", ("Ms Patel", "Miss Patel")),
    ("Robert Dunn", "Fenwick Cross School", ("Mr Dunn", "Rob")),
    ("Claire Hughes", "Hollinsgate Community College", ("Mrs Hughes", "Miss Hughes")),
    ("Stephen Akande", "Brackenfold Academy", ("Mr Akande", "Sir")),
    ("Louise Farrell", "St Aldric's Catholic High School", ("Mrs Farrell", "Miss Farrell")),
    ("Nadia Kowalski", "Wyvern Heath High School", ("Miss K", "Miss Kowalski")),
    ("Sophie Lang", CHARITY_TUTORING, ("Sophie",)),
    ("Ollie Grant", CHARITY_MENTORING, ("Ollie", "Oliver")),
    ("Beth Morgan", CHARITY_MENTORING, ("Beth", "Bethany")),
)

TUTORS_BY_CHARITY: dict[str, tuple[str, ...]] = {
    CHARITY_TUTORING: ("Jamie", "Kwame", "Sophie"),
    CHARITY_MENTORING: ("Chloe", "Ollie", "Beth"),
}

TEACHER_BY_SCHOOL: dict[str, str] = {school: aliases[0] for _, school, aliases in STAFF[:6]}

# (first name, nickname or "") — every first name is used by at most one pupil, none clashes with
# a speaker or staff member, and none is an everyday English word.
PUPIL_FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("Jayden", "Jay"), ("Amelia", "Millie"), ("Mohammed", "Mo"), ("Isla", ""), ("Tyler", "Ty"),
    ("Aaliyah", "Liyah"), ("Kacper", ""), ("Freya", ""), ("Ethan", ""), ("Zainab", "Zee"),
    ("Callum", "Cal"), ("Niamh", ""), ("Reuben", "Reubs"), ("Amira", ""), ("Kian", ""),
    ("Leah", ""), ("Dylan", "Dyl"), ("Maryam", ""), ("Harvey", ""), ("Chantelle", "Chan"),
    ("Bartosz", "Bart"), ("Poppy", ""), ("Kayden", "Kay"), ("Sienna", ""), ("Alfie", ""),
    ("Ayesha", ""), ("Connor", ""), ("Imogen", "Immy"), ("Tariq", ""), ("Lacey", ""),
    ("Riley", ""), ("Esme", ""), ("Yusuf", ""), ("Keira", ""), ("Lewis", "Lew"),
    ("Fatima", ""), ("Declan", "Dec"), ("Abigail", "Abbie"), ("Ibrahim", "Ibby"), ("Demi", ""),
    ("Corey", ""), ("Hollie", ""), ("Oscar", "Ozzy"), ("Samira", "Sami"), ("Brandon", ""),
    ("Tegan", ""), ("Ayaan", ""), ("Evie", ""), ("Kai", ""), ("Nevaeh", ""),
    ("Jake", ""), ("Harriet", "Hattie"), ("Hamza", ""), ("Skye", ""), ("Logan", ""),
    ("Darcey", ""), ("Rhys", ""), ("Aleksandra", "Ola"), ("Kyle", ""), ("Maisie", ""),
    ("Osman", ""), ("Tia", ""), ("Finley", "Finn"), ("Priyanka", ""), ("Jordan", ""),
    ("Elif", ""), ("Mason", ""), ("Courtney", ""), ("Adebayo", "Bayo"), ("Kelsey", ""),
    ("Charlie", ""), ("Reece", ""), ("Ruby", "Rubes"), ("Arjun", ""),
    ("Shannon", ""), ("Ellis", ""), ("Hafsa", ""), ("Joshua", "Josh"), ("Lily-Mae", "Lils"),
    ("Tomasz", "Tomek"), ("Aimee", ""), ("Bilal", ""), ("Jodie", ""), ("Zachary", "Zach"),
    ("Mia", ""), ("Emre", ""), ("Paige", ""), ("Nathaniel", "Nate"), ("Safiya", ""),
    ("Cameron", "Cam"), ("Ellie-May", ""), ("Idris", ""), ("Layla", ""), ("Marley", ""),
    ("Aisling", ""), ("Denzel", ""), ("Caitlin", "Cait"), ("Ruairi", ""), ("Anaya", ""),
    ("Frankie", ""), ("Hussein", ""), ("Jessica", "Jess"), ("Kofi", ""), ("Scarlett", "Scar"),
    ("Leon", ""), ("Sumaya", ""), ("Bradley", "Brad"), ("Ffion", ""), ("Usman", ""),
    ("Lola", ""), ("Nikodem", "Niko"), ("Alisha", ""), ("Tobias", "Toby"), ("Precious", ""),
    ("Jensen", ""), ("Rosie", ""), ("Malik", ""), ("Ciara", ""), ("Louie", ""),
    ("Eshal", ""), ("Aiden", ""), ("Georgia", "Georgie"), ("Shay", ""), ("Inaaya", ""),
    ("Theo", ""), ("Kiera-Leigh", ""), ("Rayan", ""), ("Bethan", ""), ("Ashton", ""),
    ("Halima", ""), ("Jacob", "Jakey"), ("Olivia", "Liv"), ("Junaid", ""), ("Macy", ""),
    ("Tyrese", ""), ("Roisin", ""), ("Lucas", ""), ("Iqra", ""), ("Kristian", "Kris"),
    ("Summer-Rose", ""), ("Ahmed", ""), ("Danielle", "Dani"), ("Stanley", "Stan"), ("Wiktoria", ""),
    ("Oluwaseun", "Seun"), ("Brooke", ""), ("Zayn", ""), ("Millicent", ""), ("Jenson", ""),
    ("Amani", ""), ("Preston", ""), ("Keeley", ""), ("Rafael", "Rafa"), ("Esther", ""),
)

SURNAMES: tuple[str, ...] = (
    "Clarke", "Hussain", "Nowak", "Walsh", "Okonkwo", "Bennett", "Ali", "Turner", "Kaur", "Doyle",
    "Mensah", "Price", "Begum", "Lowe", "Kowalczyk", "Harrison", "Ahmed", "Fletcher", "Yilmaz", "Gallagher",
    "Shah", "Parry", "Campbell", "Iqbal", "Rowe", "Adeyemi", "Marsh-Taylor", "Riley", "Khan", "Sutcliffe",
    "Baptiste", "Wilkinson", "Mahmood", "O'Neill", "Hale", "Nwosu", "Jackson", "Rashid", "Booth", "Kelly",
    "Patterson", "Chowdhury", "Dixon", "Lis", "Brookes", "Owusu", "Heaton", "Qadir", "Murphy", "Stokes",
)

SUBJECTS: tuple[str, ...] = ("maths", "English", "science")


def make_pupils(rng: random.Random, per_school: int) -> list[Pupil]:
    """Tutored pupils, ``per_school`` in each sample school, with unique first names."""
    needed = per_school * len(SCHOOLS)
    if needed > len(PUPIL_FIRST_NAMES):
        raise ValueError(f"only {len(PUPIL_FIRST_NAMES)} distinct first names for {needed} pupils")
    names = list(PUPIL_FIRST_NAMES)
    rng.shuffle(names)
    pupils: list[Pupil] = []
    number = 1
    for school in SCHOOLS:
        for _ in range(per_school):
            first, nick = names.pop()
            subject = "maths" if school.partnership == PARTNERSHIP_TUTORING else rng.choice(SUBJECTS)
            if school.partnership == PARTNERSHIP_TUTORING and rng.random() < 0.3:
                subject = "English"
            pupils.append(Pupil(
                pupil_id=f"P-{number:03d}",
                first=first,
                surname=rng.choice(SURNAMES),
                school=school,
                year_group=rng.choice((9, 10, 10, 11, 11, 11)),
                subject=subject,
                disadvantaged=rng.random() < 0.62,
                nickname=nick,
            ))
            number += 1
    for pupil in pupils:
        mates = [p for p in pupils if p.school == pupil.school and p is not pupil]
        for mate in rng.sample(mates, 3):
            pupil.friends.append(mate.nickname if mate.nickname and rng.random() < 0.5 else mate.first)
    return pupils
