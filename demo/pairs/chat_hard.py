"""Chat Hard: both answers look reasonable; the rejected one misses the instruction in a subtle way.

Subsets: mt-bench-hard, and the five LLMBar-style ones (natural, neighbour, GPT-instruction,
GPT-output, manual).
"""

from __future__ import annotations

from .base import PairTemplate, bundles

_CELSIUS = PairTemplate(
    prompt="$ask",
    chosen="Use F = C × 9/5 + 32. So $c °C is $c × 9/5 + 32 = $f °F.",
    rejected="Use F = C × 5/9 + 32. So $c °C is $c × 5/9 + 32 = $wrong °F.",
    items=[
        {"c": str(c), "f": f"{c * 9 / 5 + 32:g}", "wrong": f"{c * 5 / 9 + 32:.1f}"} for c in range(5, 105, 5)
    ],
    variants={
        "ask": [
            "Convert $c degrees Celsius to Fahrenheit and show the formula.",
            "What is $c °C in Fahrenheit? Show how you got it.",
        ]
    },
)

_PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]


def _primes_items() -> list[dict[str, str]]:
    """The first k primes, and a near miss: 1 counted as prime, or 9 slipped in after 7."""
    rows = []
    for k in range(4, 13):
        right = _PRIMES[:k]
        wrong = [1] + right[:-1] if k % 2 or k < 6 else right[:4] + [9] + right[4:-1]
        rows.append({"k": str(k), "right": ", ".join(map(str, right)), "wrong": ", ".join(map(str, wrong))})
    return rows


_PRIME_LIST = PairTemplate(
    prompt="$ask",
    chosen="The first $k prime numbers are: $right.",
    rejected="The first $k prime numbers are: $wrong.",
    items=_primes_items(),
    variants={"ask": ["List the first $k prime numbers.", "What are the first $k primes?"]},
)

_CATEGORIES = {
    "fruits": ["apple", "banana", "cherry", "mango", "pear", "plum", "kiwi"],
    "colours": ["red", "blue", "green", "yellow", "purple", "orange", "brown"],
    "planets": ["Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus"],
    "musical instruments": ["piano", "violin", "flute", "drums", "cello", "trumpet", "harp"],
    "birds": ["robin", "sparrow", "eagle", "owl", "heron", "parrot", "swan"],
    "vegetables": ["carrot", "leek", "spinach", "onion", "potato", "pepper", "celery"],
    "kitchen utensils": ["spatula", "ladle", "whisk", "tongs", "peeler", "grater", "sieve"],
    "European capitals": ["Rome", "Madrid", "Berlin", "Vienna", "Prague", "Lisbon", "Athens"],
}

_LIST_ONLY = PairTemplate(
    prompt="Name $k $category. Reply with a comma-separated list only.",
    chosen="$short",
    rejected="Sure! Here are some $category:\n$long\nI hope this list helps!",
    items=[
        {
            "k": str(k),
            "category": category,
            "short": ", ".join(words[:k]),
            "long": "\n".join(f"{i}. {w.capitalize()}" for i, w in enumerate(words[: k + 2], 1)),
        }
        for category, words in _CATEGORIES.items()
        for k in (3, 4, 5)
    ],
)

_YES_NO = PairTemplate(
    prompt="Answer with yes or no only: $question",
    chosen="$answer.",
    rejected=(
        "$answer. To explain a little more, this is a common question and the details are quite interesting, "
        "so it is well worth reading further about it."
    ),
    items=bundles(
        "question answer",
        ("Is the sun a star?", "Yes"),
        ("Can penguins fly?", "No"),
        ("Is water made of hydrogen and oxygen?", "Yes"),
        ("Do spiders have six legs?", "No"),
        ("Is 17 a prime number?", "Yes"),
        ("Is the Pacific the smallest ocean?", "No"),
        ("Does sound travel faster than light?", "No"),
        ("Is a whale a mammal?", "Yes"),
        ("Is Mount Everest the highest mountain above sea level?", "Yes"),
        ("Is glass a metal?", "No"),
    ),
)

# Neighbour: the rejected answer does a nearby task (a look-alike word, a synonym instead of an antonym).
_WORD_USE = PairTemplate(
    prompt="$ask",
    chosen="$sentence",
    rejected="$other_sentence",
    items=bundles(
        "word sentence other_sentence",
        ("affect", "Lack of sleep can affect your mood.", "The new rule had a clear effect on traffic."),
        ("desert", "The desert was silent at dawn.", "We shared a chocolate dessert after dinner."),
        (
            "principal",
            "The principal greeted every student at the gate.",
            "Honesty is a principle I try to live by.",
        ),
        (
            "complement",
            "The sharp cheese is a fine complement to the sweet grapes.",
            "She paid me a kind compliment on my scarf.",
        ),
        (
            "stationary",
            "The bus stayed stationary at the red light.",
            "I bought new stationery for the office.",
        ),
        ("lose", "Try not to lose your keys again.", "The screw on the hinge is loose."),
        ("accept", "I accept your apology.", "Everyone came except my cousin."),
        (
            "lend",
            "Could you lend me your umbrella until tomorrow?",
            "Can I borrow your umbrella until tomorrow?",
        ),
        (
            "council",
            "The town council voted to build a new park.",
            "She gave me good counsel about my career.",
        ),
        ("weather", "The weather turned cold overnight.", "I don't know whether to stay or go."),
    ),
    variants={"ask": ["Write a sentence using the word '$word'.", "Use '$word' in a sentence."]},
)

_OPPOSITE = PairTemplate(
    prompt="$ask",
    chosen="The opposite of '$word' is '$antonym'.",
    rejected="A word with the same meaning as '$word' is '$synonym'.",
    items=bundles(
        "word antonym synonym",
        ("ancient", "modern", "old"),
        ("generous", "stingy", "giving"),
        ("shallow", "deep", "superficial"),
        ("expand", "shrink", "grow"),
        ("rare", "common", "unusual"),
        ("victory", "defeat", "win"),
        ("fragile", "sturdy", "delicate"),
        ("arrive", "depart", "reach"),
        ("noisy", "quiet", "loud"),
        ("brave", "cowardly", "bold"),
    ),
    variants={"ask": ["Give the opposite of '$word'.", "What is an antonym of '$word'?"]},
)

# GPT-instruction: the rejected answer follows a similar, machine-written instruction instead.
_BLOG_TITLE = PairTemplate(
    prompt="Suggest a title for a blog post about $topic for complete beginners.",
    chosen="$Title for Beginners: Everything You Need to Get Started",
    rejected="Advanced $Title: Techniques for Seasoned Practitioners",
    items=bundles(
        "topic Title",
        ("budgeting", "Budgeting"),
        ("rock climbing", "Rock Climbing"),
        ("sourdough baking", "Sourdough Baking"),
        ("birdwatching", "Birdwatching"),
        ("home composting", "Home Composting"),
        ("learning Python", "Python Programming"),
        ("watercolour painting", "Watercolour Painting"),
        ("trail running", "Trail Running"),
        ("knitting", "Knitting"),
        ("astronomy", "Stargazing"),
    ),
)

_DIET = PairTemplate(
    prompt="$ask",
    chosen="$eats",
    rejected="$lives",
    items=bundles(
        "animal eats lives",
        (
            "koala",
            "Koalas eat almost nothing but eucalyptus leaves, which their long gut slowly digests.",
            "Koalas live in eucalyptus forests in eastern and southern Australia.",
        ),
        (
            "giant panda",
            "Giant pandas eat bamboo for nearly all their food, up to twelve hours a day.",
            "Giant pandas live in cool, wet mountain forests in central China.",
        ),
        (
            "hummingbird",
            "Hummingbirds drink flower nectar and also catch small insects for protein.",
            "Hummingbirds live across the Americas, from Alaska down to the tip of Chile.",
        ),
        (
            "polar bear",
            "Polar bears mostly eat seals, which they catch at holes in the sea ice.",
            "Polar bears live on the sea ice and coasts around the Arctic Ocean.",
        ),
        (
            "sea otter",
            "Sea otters eat sea urchins, crabs and clams, cracking shells open with stones.",
            "Sea otters live along the rocky coasts of the northern Pacific Ocean.",
        ),
        (
            "anteater",
            "Anteaters eat ants and termites, licking up thousands a day with a sticky tongue.",
            "Anteaters live in the grasslands and forests of Central and South America.",
        ),
        (
            "flamingo",
            "Flamingos eat algae and tiny shrimp, filtering them from the water with their beaks.",
            "Flamingos live around shallow salty lakes and lagoons in warm regions.",
        ),
        (
            "beaver",
            "Beavers eat bark, twigs, leaves and water plants.",
            "Beavers live in rivers, streams and ponds in North America and Europe.",
        ),
    ),
    variants={"ask": ["What does a $animal eat?", "What is the diet of a $animal?"]},
)

# GPT-output: a polished, informative answer that ignores the requested form.
_ONE_WORD = PairTemplate(
    prompt="$ask",
    chosen="$Mix",
    rejected=(
        "Great question! Mixing $a and $b paint gives you $mix. Each pigment absorbs some colours of light, "
        "and the mixture reflects mainly what both have in common. Artists rely on this all the time."
    ),
    items=bundles(
        "a b mix Mix",
        ("blue", "yellow", "green", "Green"),
        ("red", "yellow", "orange", "Orange"),
        ("red", "blue", "purple", "Purple"),
        ("red", "white", "pink", "Pink"),
        ("black", "white", "grey", "Grey"),
        ("blue", "orange", "brown", "Brown"),
        ("yellow", "white", "cream", "Cream"),
        ("green", "red", "brown", "Brown"),
    ),
    variants={
        "ask": [
            "Reply with a single word: what colour do you get by mixing $a and $b?",
            "One word only, please: which colour comes from mixing $a with $b?",
        ]
    },
)

_SHORT_TITLE = PairTemplate(
    prompt="Write a title of at most five words for an article about $subject.",
    chosen="$title",
    rejected="The Complete Guide to $Subject: History, Benefits, Challenges and the Road Ahead",
    items=bundles(
        "subject Subject title",
        ("city cycling", "City Cycling", "Why Cities Need Bikes"),
        ("remote work", "Remote Work", "Working From Anywhere"),
        ("urban beekeeping", "Urban Beekeeping", "Bees on the Rooftop"),
        ("sleep habits", "Sleep Habits", "Better Nights Start Early"),
        ("electric cars", "Electric Cars", "The Quiet Car Revolution"),
        ("public libraries", "Public Libraries", "Libraries Still Matter"),
        ("plastic in the ocean", "Ocean Plastic", "Plastic Tides"),
        ("four-day work weeks", "the Four-Day Week", "Is Friday the New Saturday?"),
    ),
)

# Manual: looks careful and confident, and is wrong.
_WORDS = ["apple", "bridge", "candle", "dolphin", "engine", "forest", "guitar", "harbour"]


def _sorting_items() -> list[dict[str, str]]:
    rows = []
    for start in range(len(_WORDS)):
        picked = [_WORDS[(start + 3 * i) % len(_WORDS)] for i in range(4)]
        right = sorted(picked)
        wrong = right[:1] + [right[2], right[1]] + right[3:]
        rows.append({"words": ", ".join(picked), "right": ", ".join(right), "wrong": ", ".join(wrong)})
    return rows


_SORT = PairTemplate(
    prompt="$ask",
    chosen="Here they are, sorted alphabetically: $right.",
    rejected="Here they are, sorted alphabetically: $wrong.",
    items=_sorting_items(),
    variants={
        "ask": ["Sort these words alphabetically: $words.", "Put these words in alphabetical order: $words."]
    },
)

_NO_E = PairTemplate(
    prompt="Write a sentence about $topic that does not use the letter 'e'.",
    chosen="$good",
    rejected="Here is a sentence without that letter: $bad",
    items=bundles(
        "topic good bad",
        ("a cat", "A cat naps on a warm rug all day.", "The cat sleeps on the warm rug every afternoon."),
        ("the sun", "Our sun is a giant ball of hot gas.", "The sun is a huge sphere of burning gas."),
        (
            "a park",
            "Kids run and play in a big, grassy park.",
            "Children love the green open spaces of the park.",
        ),
        (
            "rain",
            "Rain falls on our roof all night long.",
            "The rain kept tapping on the window all evening.",
        ),
        (
            "a train",
            "A long train rolls past our farm at dawn.",
            "The train travels past the fields every morning.",
        ),
        (
            "a book",
            "This book has an amazing plot about a lost kid.",
            "The novel tells a gripping story of a lost child.",
        ),
        (
            "music",
            "Music brings joy to many, young and old.",
            "Music makes everyone feel better after a hard week.",
        ),
        (
            "coffee",
            "A hot cup of java warms my hands at dawn.",
            "Fresh coffee is the best way to start the day.",
        ),
    ),
)

TEMPLATES: dict[str, tuple[PairTemplate, ...]] = {
    "mt-bench-hard": (_CELSIUS, _PRIME_LIST),
    "llmbar-natural": (_LIST_ONLY, _YES_NO),
    "llmbar-adver-neighbor": (_WORD_USE, _OPPOSITE),
    "llmbar-adver-GPTInst": (_BLOG_TITLE, _DIET),
    "llmbar-adver-GPTOut": (_ONE_WORD, _SHORT_TITLE),
    "llmbar-adver-manual": (_SORT, _NO_E),
}
