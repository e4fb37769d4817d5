"""The words synthetic records are made of, in the article's register."""

from ..models import InitiativeKind, Precision, Unit

US_CITIES = [
    "Boston", "Stanford", "Berkeley", "Princeton", "Chicago", "Seattle", "Austin", "Atlanta",
    "Denver", "Pittsburgh", "Madison", "Ann Arbor", "New Haven", "Philadelphia", "Houston",
    "Anchorage", "Fairbanks", "Minneapolis", "Portland", "San Diego", "Durham", "Bloomington",
    "Columbus", "Tucson", "Baltimore", "Cambridge", "Ithaca", "Providence", "Hanover", "Monterey",
]  # fmt: skip
RU_CITIES = [
    "Moscow", "St. Petersburg", "Kazan", "Novosibirsk", "Tomsk", "Yekaterinburg", "Nizhny Novgorod",
    "Vladivostok", "Irkutsk", "Samara", "Perm", "Rostov-on-Don", "Krasnoyarsk", "Arkhangelsk",
    "Murmansk", "Kaliningrad", "Ulan-Ude", "Yakutsk", "Omsk", "Voronezh", "Tver", "Yaroslavl",
    "Petrozavodsk", "Khabarovsk", "Ufa",
]  # fmt: skip
COUNTRIES = [
    "United States", "Russia", "Finland", "Norway", "Germany", "France", "United Kingdom", "Canada",
    "Japan", "China", "Kazakhstan", "Ukraine", "Poland", "Sweden", "Estonia", "Georgia", "Armenia",
    "Italy", "Switzerland", "Austria", "Mongolia", "South Korea", "India", "Israel", "Turkey",
]  # fmt: skip
TOPICS = [
    "nuclear disarmament", "arms control", "climate change", "Arctic research", "space cooperation",
    "public health", "student exchange", "trade relations", "cybersecurity", "energy policy",
    "environmental protection", "nuclear security", "higher education", "journalism",
    "cultural heritage", "museum exchange", "entrepreneurship", "technology transfer",
    "regional security", "peace frameworks", "sanctions", "human rights", "civil society",
    "scientific collaboration", "oceanography", "astronomy", "medicine", "agriculture",
    "water resources", "wildlife conservation", "language teaching", "sports diplomacy",
    "veterans' dialogue", "fisheries", "biosecurity", "seismology", "economics", "law",
    "urban planning", "religious dialogue",
]  # fmt: skip
FIELDS = [
    "International Studies", "Physics", "Arctic Studies", "Energy", "Security Studies",
    "Public Policy", "Eurasian Studies", "Economics", "Oceanography", "Space Research",
    "Public Health", "Environmental Science", "Law", "Journalism", "Engineering", "Mathematics",
    "History", "Russian Studies", "American Studies", "Computer Science",
]  # fmt: skip
FIRST_NAMES = [
    "Michael", "Condoleezza", "Karen", "William", "Joseph", "Susan", "David", "Anna", "Robert",
    "Elena", "James", "Olga", "Mary", "Sergei", "Thomas", "Natalia", "Richard", "Irina", "John",
    "Tatiana", "Daniel", "Yuri", "Sarah", "Dmitry", "Paul", "Ekaterina", "Mark", "Alexei",
    "Laura", "Mikhail", "Peter", "Svetlana", "Andrew", "Vladimir", "Rachel", "Nikolai",
]  # fmt: skip
SURNAMES = [
    "McFaul", "Rice", "Davidson", "Montville", "Nyberg", "Ivanov", "Smith", "Petrova", "Johnson",
    "Sokolov", "Williams", "Kuznetsova", "Brown", "Popov", "Miller", "Volkova", "Davis", "Lebedev",
    "Wilson", "Morozova", "Anderson", "Novikov", "Taylor", "Fedorova", "Moore", "Orlov", "Clark",
    "Pavlova", "Lewis", "Semenov", "Walker", "Golubeva", "Hall", "Vinogradov", "Young", "Belova",
]  # fmt: skip
TITLES = [
    "professor", "research fellow", "director", "program officer", "PhD candidate", "ambassador",
    "senior adviser", "visiting scholar", "dean", "cosmonaut", "astronaut", "journalist",
    "board member", "expert", "lecturer", "president",
]  # fmt: skip
KIND_NOUN = {
    InitiativeKind.DIALOGUE: "Dialogue",
    InitiativeKind.CONFERENCE_SERIES: "Conference",
    InitiativeKind.EXCHANGE: "Exchange",
    InitiativeKind.PARTNERSHIP: "Partnership",
    InitiativeKind.FORUM: "Forum",
    InitiativeKind.ACCELERATOR: "Accelerator",
    InitiativeKind.CONSORTIUM: "Consortium",
    InitiativeKind.GOVERNMENT_PROGRAM: "Program",
    InitiativeKind.PROGRAM: "Fellowship",
}
AUDIENCES = [
    "intellectuals, politicians and business leaders", "students and faculty", "citizen leaders",
    "scientists and engineers", "journalists and editors", "retired diplomats and military officers",
    "young entrepreneurs", "museum curators", "physicians and public-health officials",
    "lawyers and judges", "regional governors and mayors", "astronauts and cosmonauts",
]  # fmt: skip
# A few words that only a handful of records contain, for measuring a rare word's search.
RARE_WORDS = ["tokamak", "samizdat", "permafrost", "heliophysics", "beluga", "icebreaker"]
SENTENCES = [
    "Participants met over the decades, including during tense periods of the bilateral relationship.",
    "Panels discussed ideas for {topic} and innovative collaborative projects.",
    "It brings together {audience} from the United States and Russia.",
    "Sessions alternate between {us_city} and {ru_city}.",
    "The {year} session focused on {topic} and {topic2}.",
    "When official relations are tense, such dialogues are an important alternative channel.",
    "Its alumni include a former ambassador to Moscow and several university presidents.",
    "The program has hosted more than {count} meetings on a broad range of topics.",
    "Students spend a semester in {ru_city} studying {topic}.",
    "Scientific cooperation on {topic} continued despite sanctions.",
    "The partnership was renewed in {year} for another five years.",
    "It is funded by private foundations and by the universities themselves.",
    "Reports from its working groups were shared with officials in both governments.",
    "A joint laboratory in {ru_city} studies {topic}.",
    "Exchanges of this kind promote global engagement and long-term political and economic benefits.",
    "Working groups on {topic} publish their recommendations each year.",
    "Delegations visited {us_city} and {ru_city} to compare approaches to {topic}.",
    "The dialogue continued through the Cold War and after the dissolution of the Soviet Union.",
    "Its founders hoped that peer-to-peer contact would build trust between citizens.",
    "Graduates went on to careers in diplomacy, science and business.",
]  # fmt: skip
RARE_SENTENCE = "A small working group also studies {rare} questions."
STATISTIC_MEASURES = [
    ("participants in {name}", Unit.PEOPLE),
    ("students exchanged through {name}", Unit.STUDENTS),
    ("meetings held by {name}", Unit.MEETINGS),
    ("funding of {name}", Unit.USD),
    ("partnerships formed under {name}", Unit.PARTNERSHIPS),
    ("years {name} has run", Unit.YEARS),
]
PRECISION_WORDS = {
    Precision.EXACT: "{n}",
    Precision.ABOUT: "about {n}",
    Precision.MORE_THAN: "more than {n}",
    Precision.NEARLY: "nearly {n}",
    Precision.ESTIMATED: "an estimated {n}",
}
TRACKS = [
    ("track-i", "Track I", 1, "Official meetings between governments."),
    ("track-1-5", "Track 1.5", 2, "Dialogue that includes both state and non-state actors."),
    ("track-ii", "Track II", 3, "Unofficial dialogue and problem-solving among civil society leaders."),
]
