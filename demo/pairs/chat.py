"""Chat: everyday requests where the chosen answer is plainly better (alpacaeval-*, mt-bench-easy/med)."""

from __future__ import annotations

from .base import PairTemplate, bundles, items

_TIPS = PairTemplate(
    prompt="$ask",
    chosen=(
        "Here are three tips for $activity:\n1. Start small and build up slowly, so it never feels "
        "overwhelming.\n2. Set aside a regular time for it, even if it is only fifteen minutes.\n3. Ask "
        "someone with more experience to give you feedback early on."
    ),
    rejected="$lazy",
    items=items(
        activity=[
            "learning the guitar",
            "running a first 5k",
            "keeping houseplants alive",
            "studying for an exam",
            "baking bread",
            "starting a vegetable garden",
            "writing a cover letter",
            "taking better phone photos",
            "learning to swim",
            "saving money each month",
            "learning to juggle",
            "drawing portraits",
        ]
    ),
    variants={
        "ask": ["Give me three tips for $activity.", "What are three good tips for $activity?"],
        "lazy": [
            "Tips are useful for many things in life. Good luck!",
            "Just keep trying and you will get there.",
        ],
    },
)

_CAPITALS = PairTemplate(
    prompt="$ask",
    chosen="The capital of $country is $capital.",
    rejected="$country is a country with a long history and many interesting places to visit.",
    items=bundles(
        "country capital",
        ("France", "Paris"),
        ("Japan", "Tokyo"),
        ("Kenya", "Nairobi"),
        ("Canada", "Ottawa"),
        ("Peru", "Lima"),
        ("Norway", "Oslo"),
        ("Egypt", "Cairo"),
        ("Australia", "Canberra"),
        ("Chile", "Santiago"),
        ("Vietnam", "Hanoi"),
        ("Poland", "Warsaw"),
        ("Ghana", "Accra"),
        ("Portugal", "Lisbon"),
        ("Argentina", "Buenos Aires"),
        ("Thailand", "Bangkok"),
        ("Ireland", "Dublin"),
    ),
    variants={"ask": ["What is the capital of $country?", "Which city is the capital of $country?"]},
)

_BIRTHDAY = PairTemplate(
    prompt="Write a one-sentence birthday message for my $relation.",
    chosen=(
        "Happy birthday to the best $relation anyone could ask for; I hope this year brings you as much joy "
        "as you bring to everyone around you!"
    ),
    rejected="$lazy",
    items=items(
        relation=[
            "sister",
            "grandfather",
            "best friend",
            "coworker",
            "neighbour",
            "teacher",
            "cousin",
            "uncle",
            "aunt",
            "brother",
        ]
    ),
    variants={
        "lazy": [
            "Birthdays happen once a year and are celebrated in many countries.",
            "I don't know your $relation, so I can't write that.",
        ]
    },
)

# Length-matched: the rejected answer is as long as the chosen one, but says nothing.
_WHY = PairTemplate(
    prompt="$ask",
    chosen="$explanation",
    rejected="$filler",
    items=bundles(
        "thing explanation",
        (
            "ice float on water",
            "Water expands when it freezes, because its molecules lock into an open, six-sided pattern. That "
            "makes ice about nine percent less dense than liquid water, so it floats.",
        ),
        (
            "bread go stale",
            "Stale bread is mostly not about drying out: the starch inside slowly recrystallises after "
            "baking, which makes the crumb firm and crumbly. Warming it briefly undoes part of that change.",
        ),
        (
            "a metal spoon feel colder than a wooden one",
            "Both are at room temperature, but metal carries heat away from your skin much faster than wood "
            "does. Your fingers sense that fast loss of heat as cold.",
        ),
        (
            "the moon have phases",
            "The moon is always half lit by the sun. As it circles the Earth we see different amounts of "
            "that lit half, from none at new moon to all of it at full moon.",
        ),
        (
            "cutting onions make people cry",
            "Cutting an onion breaks its cells and releases a compound that turns into a gas. The gas "
            "reaches your eyes and irritates them, so they make tears to wash it away.",
        ),
        (
            "a rubbed balloon stick to a wall",
            "Rubbing moves electrons from your hair to the balloon, giving it a small negative charge. That "
            "charge attracts the opposite charges in the wall strongly enough to hold a light balloon.",
        ),
        (
            "popcorn pop",
            "Each kernel holds a little water inside a hard shell. When heated, the water turns to steam and "
            "the pressure builds until the shell bursts and the soft starch puffs out.",
        ),
        (
            "the sea taste salty",
            "Rain slowly dissolves minerals from rocks, and rivers carry them to the sea. When sea water "
            "evaporates the salt stays behind, so over millions of years it has built up.",
        ),
        (
            "a straw look bent in a glass of water",
            "Light changes speed when it passes from water into air, so it bends at the surface. Your eyes "
            "trace the light back in straight lines, which puts the underwater part in the wrong place.",
        ),
        (
            "leaves change colour in autumn",
            "Leaves are green because of chlorophyll. In autumn trees stop making it, and as it breaks down "
            "the yellow and orange pigments that were hidden underneath show through.",
        ),
    ),
    variants={
        "ask": ["Why does $thing? Answer in two or three sentences.", "In a few sentences, why does $thing?"],
        "filler": [
            "That is a really interesting question, and people have wondered about it for a long time. "
            "Several factors are involved and they work together in different ways, so it depends on the "
            "situation.",
            "Great question! Scientists have looked at this in detail over many years. Lots of things play a "
            "part, and it is hard to name one single cause, but it is a fascinating part of daily life.",
        ],
    },
)

_TOOLS = PairTemplate(
    prompt="Summarise in one sentence what a $tool is used for.",
    chosen="$use",
    rejected="$filler",
    items=bundles(
        "tool use",
        (
            "thermometer",
            "A thermometer measures temperature, for example of the air, of food or of a person with a "
            "fever.",
        ),
        (
            "stethoscope",
            "A stethoscope lets a doctor listen to sounds inside the body, such as the heart and lungs.",
        ),
        ("compass", "A compass shows which way is north, so you can find your direction when navigating."),
        (
            "spirit level",
            "A spirit level shows whether a surface is perfectly horizontal or vertical, using a bubble in "
            "liquid.",
        ),
        ("barometer", "A barometer measures air pressure, which helps forecast changes in the weather."),
        (
            "colander",
            "A colander is a bowl with holes used to drain water from pasta, vegetables or washed fruit.",
        ),
        ("metronome", "A metronome ticks at a steady, adjustable speed to help musicians keep time."),
        (
            "multimeter",
            "A multimeter measures electrical values such as voltage, current and resistance in a circuit.",
        ),
        ("whisk", "A whisk beats air into eggs or cream and blends liquids smoothly while cooking."),
        ("hygrometer", "A hygrometer measures how much moisture there is in the air."),
    ),
    variants={
        "filler": [
            "It is a tool that many people have heard of, and it comes in different shapes and sizes for "
            "different needs.",
            "This is a common item with a long history that is still found in many places around the world "
            "today.",
        ]
    },
)

_UNITS = [
    ("minutes", "hour", "hours", 60),
    ("seconds", "minute", "minutes", 60),
    ("grams", "kilogram", "kilograms", 1000),
    ("centimetres", "metre", "metres", 100),
    ("days", "week", "weeks", 7),
    ("months", "year", "years", 12),
]

# Hard: the rejected answer is close, but hedges and is wrong.
_CONVERT = PairTemplate(
    prompt="How many $small are in $n $big?",
    chosen="There are $answer $small in $n $big, because each $one has $factor $small.",
    rejected="There are roughly $approx $small in $n $big, give or take.",
    items=[
        {
            "small": small,
            "one": one,
            "big": big,
            "n": str(n),
            "factor": str(factor),
            "answer": str(n * factor),
            "approx": str((n - 1) * factor + factor // 2),
        }
        for small, one, big, factor in _UNITS
        for n in (3, 4, 5, 6, 8, 12)
    ],
)

_NAMES = PairTemplate(
    prompt="Suggest a name for a $kind and explain the choice briefly.",
    chosen='How about "$name"? $reason',
    rejected='How about "$name"?',
    items=bundles(
        "kind name reason",
        ("bakery", "Rise & Shine", "It hints both at dough rising and at the early mornings bakers keep."),
        (
            "bike repair shop",
            "Spoke & Chain",
            "It names two parts every cyclist knows, so the shop's trade is clear at once.",
        ),
        (
            "gardening podcast",
            "Dirt Under the Nails",
            "It sounds friendly and hands-on, which suits practical gardening advice.",
        ),
        (
            "book club",
            "Chapter and Chat",
            "It pairs reading with talking, which is exactly what the club does.",
        ),
        ("cat café", "The Purring Cup", "It joins the two things guests come for: cats and coffee."),
        (
            "hiking group",
            "Trailmix",
            "It is a snack every hiker packs, and it suggests a mix of people on the trail.",
        ),
        (
            "tutoring service",
            "Aha Moments",
            "It points to the moment a student finally understands, which is the goal.",
        ),
        (
            "second-hand bookshop",
            "Dog-Eared",
            "It is what well-loved books look like, and it is easy to remember.",
        ),
        ("chess club", "Knight Moves", "It is a chess term that also sounds like evening plans."),
        (
            "taco food truck",
            "Rolling Tortilla",
            "It tells people the food is tacos and that the truck moves around.",
        ),
    ),
)

_HAIKU = PairTemplate(
    prompt="$ask",
    chosen="$poem",
    rejected="$topic is very nice and I like it a lot. It is good.",
    items=bundles(
        "topic poem",
        ("Autumn rain", "Cold rain on the roof\nthe maple lets go its leaves\npuddles hold the sky"),
        ("A city at night", "Neon hums softly\ntaxis stitch the wet streets shut\none window still lit"),
        (
            "Morning coffee",
            "Steam curls from the cup\nthe kitchen wakes before me\nfirst sip, the day starts",
        ),
        ("The ocean", "Waves fold into foam\nthe tide forgets every name\nwritten in the sand"),
        ("A snowy forest", "Pines wear heavy white\na fox crosses without sound\nthe hush settles back"),
        ("A garden in spring", "Green tips break the soil\nbees argue over the plum\nsunlight on wet stones"),
        ("A train journey", "Fields blur into lines\nthe carriage rocks like a crib\nI wake one town late"),
        ("An old cat", "Grey whiskers, slow tail\nshe claims the warmest window\nand dreams of young mice"),
    ),
    variants={"ask": ["Write a haiku about this topic: $topic.", 'Compose a haiku on the theme "$topic".']},
)

_PAST_TENSE = PairTemplate(
    prompt='Rewrite this sentence in the past tense: "$present"',
    chosen="$past",
    rejected="$present",
    items=bundles(
        "present past",
        ("She walks to the market.", "She walked to the market."),
        ("They eat dinner at six.", "They ate dinner at six."),
        ("I write a letter to my aunt.", "I wrote a letter to my aunt."),
        ("We swim in the lake.", "We swam in the lake."),
        ("He buys fresh bread.", "He bought fresh bread."),
        ("The children sing a song.", "The children sang a song."),
        ("You take the early bus.", "You took the early bus."),
        ("The dog runs across the field.", "The dog ran across the field."),
        ("My brother teaches maths.", "My brother taught maths."),
        ("The river freezes in winter.", "The river froze in winter."),
    ),
)

_PRODUCT = PairTemplate(
    prompt="Write a short product description for a $product, in under 40 words.",
    chosen=(
        "Meet our $product: light, sturdy and made for everyday use. It is easy to clean, fits in a small "
        "bag and comes with a two-year guarantee."
    ),
    rejected=(
        "The $product is a product that you can buy. It is a very good product and it is very useful for "
        "many things that people need to do every day, and it is also very nice to look at, and many people "
        "like it, and it can be used at home or at work or anywhere else you might want to use it."
    ),
    items=items(
        product=[
            "travel mug",
            "folding chair",
            "desk lamp",
            "rain jacket",
            "water bottle",
            "backpack",
            "phone stand",
            "yoga mat",
            "lunch box",
            "umbrella",
        ]
    ),
)

_DIFFERENCE = PairTemplate(
    prompt="$ask",
    chosen="$answer",
    rejected=(
        "There is no real difference between $x and $y; the two mean the same thing and you can use either."
    ),
    items=bundles(
        "x y answer",
        (
            "weather",
            "climate",
            "Weather is what the atmosphere is doing now or over a few days, such as rain this afternoon. "
            "Climate is the usual pattern of weather in a place, measured over decades.",
        ),
        (
            "speed",
            "velocity",
            "Speed says how fast something moves. Velocity is speed together with a direction, so a car "
            "going round a track at a steady speed still changes its velocity.",
        ),
        (
            "a simile",
            "a metaphor",
            "A simile compares two things using 'like' or 'as' (brave as a lion). A metaphor states the "
            "comparison directly (he is a lion in battle).",
        ),
        (
            "a virus",
            "a bacterium",
            "A bacterium is a single living cell that can reproduce on its own. A virus is far smaller and "
            "can only multiply inside a host's cells, which is why antibiotics do not work on viruses.",
        ),
        (
            "affect",
            "effect",
            "'Affect' is usually a verb meaning to influence; 'effect' is usually a noun meaning the result. "
            "The rain affected the match; the effect was a low score.",
        ),
        (
            "latitude",
            "longitude",
            "Latitude says how far north or south of the equator a place is. Longitude says how far east or "
            "west it is of the line through Greenwich.",
        ),
        (
            "an asteroid",
            "a comet",
            "Both are small bodies circling the sun, but asteroids are mostly rock and metal, while comets "
            "hold a lot of ice that forms a glowing tail near the sun.",
        ),
        (
            "an emigrant",
            "an immigrant",
            "They can be the same person: an emigrant is someone seen leaving their country, an immigrant is "
            "someone seen arriving in a new one.",
        ),
    ),
    variants={
        "ask": ["Explain the difference between $x and $y.", "What is the difference between $x and $y?"]
    },
)

TEMPLATES: dict[str, tuple[PairTemplate, ...]] = {
    "alpacaeval-easy": (_TIPS, _CAPITALS, _BIRTHDAY),
    "alpacaeval-length": (_WHY, _TOOLS),
    "alpacaeval-hard": (_CONVERT, _NAMES),
    "mt-bench-easy": (_HAIKU, _PAST_TENSE),
    "mt-bench-med": (_PRODUCT, _DIFFERENCE),
}
