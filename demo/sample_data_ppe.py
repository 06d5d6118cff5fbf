"""The PPE human preference sample: 26 hand-written Chatbot Arena-style battles in PPE's schema.

    python -m demo.sample_data_ppe            rewrite data/sample-ppe-preference.jsonl
    python -m demo.sample_data_ppe --check    fail if the committed file differs from the generator

Columns, as PPE's rows have them: `question_id` (unique), `model_a`, `model_b`, `winner` (`model_a`,
`model_b`, `tie` or `tie (bothbad)`), `prompt`, `response_1` (model_a's answer), `response_2`
(model_b's), `language` (Arena's English names), and the boolean tags `is_code`, `is_refusal`,
`hard_prompt`, `easy_prompt`, `if_prompt`, `math_prompt`. PPE's other columns (`category_tag`,
`conv_metadata`, lengths) are not read by this project and are left out.

Every text is written here: each battle is one prompt with a sound answer and a flawed one (a wrong
fact, a wrong step, a bug, an ignored instruction). Every named language of the spec has two or more
battles (English six), two more battles are in Dutch and Polish (the pooled `Other` subset), every
category tag is set on two or more battles, and four battles are ties (two of each tie value). Four
made-up models battle in a fixed rotation; the stronger one writes the sound answer and wins, except
in a few upsets, so the votes give the ranking large > medium > small > mini with some noise, and
the sound answer sits on either side.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Optional, Sequence

from results.benchmarks.ppe_preference import CATEGORIES, LANGUAGES

from .sample_data import REPO_ROOT, sample_file_main

SAMPLE_PPE_PATH = REPO_ROOT / "data" / "sample-ppe-preference.jsonl"
MODELS = ("demo-large", "demo-medium", "demo-small", "demo-mini")  # strongest first
ROTATION = ((0, 1), (2, 3), (0, 2), (1, 3), (0, 3), (1, 2))  # which two models meet, in turn
UPSETS = frozenset({7, 14, 18})  # battles where the weaker model writes the sound answer
TIE_VOTES = {6: "tie", 12: "tie (bothbad)", 21: "tie", 25: "tie (bothbad)"}  # battle number -> vote
TAG_COLUMNS = ("is_code", "is_refusal", "hard_prompt", "easy_prompt", "if_prompt", "math_prompt")


@dataclass(frozen=True)
class Battle:
    language: str
    prompt: str
    sound: str
    flawed: str
    tags: tuple[str, ...]


def _python(*lines: str) -> str:
    return "```python\n" + "\n".join(lines) + "\n```"


BATTLES: tuple[Battle, ...] = (
    Battle("English", "What is the capital of Australia?",
           "The capital of Australia is Canberra. Sydney and Melbourne are larger, but Canberra was built as a "
           "compromise between them and has been the seat of government since 1927.",
           "The capital of Australia is Sydney, its largest and best-known city.", ("easy_prompt",)),
    Battle("English", "Write a haiku about autumn rain. Use exactly three lines.",
           "Cold rain on maple leaves\nthe gutter hums a low song\nred drifts to the drain",
           "Autumn rain is falling on the trees and the leaves are turning red and it is very cold outside today, "
           "so I stay in and watch it fall.", ("if_prompt",)),
    Battle("English", "A train travels 180 km in 2.5 hours. What is its average speed in km/h?",
           "Average speed is distance over time: 180 km / 2.5 h = 72 km/h.",
           "Average speed is distance times time: 180 x 2.5 = 450 km/h.", ("math_prompt",)),
    Battle("English", "Write a Python function that reverses a string.",
           _python("def reverse(s: str) -> str:", "    return s[::-1]") + "\nA slice with step -1 walks the string from its end.",
           _python("def reverse(s):", "    return s.sort(reverse=True)") + "\nThis sorts the letters backwards.", ("is_code",)),
    Battle("English", "Explain in two sentences why the sky is blue, and why sunsets are red.",
           "Air molecules scatter short blue wavelengths of sunlight far more than long red ones, so blue light "
           "reaches us from every part of the sky. At sunset the light crosses much more air, most of the blue "
           "is scattered away on the way, and the reds and oranges are what is left.",
           "The sky is blue because it reflects the colour of the oceans. Sunsets are red because the sun cools "
           "down in the evening.", ("hard_prompt",)),
    Battle("English", "Prove that the square root of 2 is irrational.",
           "Suppose sqrt(2) = p/q in lowest terms. Then p^2 = 2q^2, so p^2 is even and so p is even: p = 2k. "
           "Then 4k^2 = 2q^2, so q^2 = 2k^2 and q is even too. Both even contradicts lowest terms, so no such "
           "fraction exists.",
           "sqrt(2) = 1.41421356..., and since its decimal expansion goes on forever, it is irrational.",
           ("hard_prompt", "math_prompt")),
    Battle("Chinese", "请用一句话解释什么是光合作用。",
           "光合作用是植物利用阳光，把二氧化碳和水转化为葡萄糖并释放氧气的过程。",
           "光合作用是植物在夜间吸收氧气、释放二氧化碳的过程。", ("easy_prompt",)),
    Battle("Chinese", "用Python写一个函数，判断一个整数是否为偶数。",
           _python("def is_even(n: int) -> bool:", "    return n % 2 == 0") + "\n对2取余为0即为偶数。",
           _python("def is_even(n):", "    return n / 2 == 0"), ("is_code",)),
    Battle("Russian", "Сколько будет 15% от 240?",
           "15% от 240 — это 240 × 0,15 = 36.",
           "15% от 240 — это 240 / 15 = 16.", ("math_prompt",)),
    Battle("Russian", "Назови три крупнейшие реки России.",
           "Среди крупнейших рек России — Обь (вместе с Иртышом), Енисей и Лена.",
           "Три крупнейшие реки России — Волга, Дунай и Нил.", ("easy_prompt",)),
    Battle("German", "Schreibe eine kurze Begrüßung für eine E-Mail an eine Kundin, höchstens zwei Sätze.",
           "Sehr geehrte Frau Keller, vielen Dank für Ihre Anfrage. Gerne sende ich Ihnen die gewünschten "
           "Unterlagen bis Freitag zu.",
           "Hallo! Hier ist eine Begrüßung. Ich hoffe, es geht dir gut. Ich schreibe dir, weil es viel zu "
           "erzählen gibt, also fange ich am besten ganz vorne an.", ("if_prompt",)),
    Battle("German", "Warum ist der Himmel nachts dunkel, obwohl es unzählige Sterne gibt?",
           "Das Universum ist nicht unendlich alt: Das Licht sehr ferner Sterne hat uns noch nicht erreicht, und "
           "die Ausdehnung des Raums verschiebt das Licht ferner Galaxien ins Rote und schwächt es ab. Darum "
           "leuchtet nicht jede Blickrichtung (das Olbers-Paradoxon).",
           "Der Himmel ist nachts dunkel, weil die Sterne nachts schwächer leuchten als am Tag.", ("hard_prompt",)),
    Battle("Japanese", "「ありがとう」を英語に翻訳してください。",
           "「ありがとう」は英語で \"Thank you\" です。",
           "「ありがとう」は英語で \"Good morning\" です。", ("easy_prompt",)),
    Battle("Japanese", "1から100までの整数の合計はいくつですか？",
           "ガウスの方法で、(1 + 100) × 100 ÷ 2 = 5050 です。",
           "1から100までの合計は 100 × 100 = 10000 です。", ("math_prompt",)),
    Battle("Korean", "파이썬에서 리스트의 길이를 구하는 방법은?",
           "내장 함수 `len()`을 사용합니다. 예: `len([1, 2, 3])`은 3을 반환합니다.",
           "리스트의 `size()` 메서드를 사용합니다. 예: `[1, 2, 3].size()`.", ("is_code", "easy_prompt")),
    Battle("Korean", "세 문장으로 봄에 대한 짧은 시를 써 주세요.",
           "벚꽃이 바람에 흩날린다.\n햇살은 언 땅을 천천히 녹인다.\n새들은 다시 노래를 시작한다.",
           "봄은 따뜻하다.", ("if_prompt",)),
    Battle("French", "Quelle est la différence entre « a » et « à » en français ?",
           "« a » est le verbe avoir au présent (il a), tandis que « à » est une préposition (je vais à Paris). "
           "Astuce : si l'on peut le remplacer par « avait », on écrit « a ».",
           "Il n'y a aucune différence : les deux s'écrivent indifféremment.", ("easy_prompt",)),
    Battle("French", "Résous l'équation 3x + 7 = 22.",
           "3x = 22 − 7 = 15, donc x = 5.",
           "3x = 22 + 7 = 29, donc x = 29/3.", ("math_prompt",)),
    Battle("Spanish", "Escribe una función en JavaScript que sume los elementos de un arreglo.",
           "```javascript\nfunction sumar(arr) {\n  return arr.reduce((total, x) => total + x, 0);\n}\n```",
           "```javascript\nfunction sumar(arr) {\n  return arr.length;\n}\n```", ("is_code",)),
    Battle("Spanish", "¿Por qué existen las estaciones del año?",
           "Porque el eje de la Tierra está inclinado unos 23,4° respecto a su órbita: a lo largo del año, cada "
           "hemisferio recibe la luz del Sol más directa y durante más horas en verano, y más oblicua en invierno.",
           "Porque la Tierra está más cerca del Sol en verano y más lejos en invierno.", ("hard_prompt",)),
    Battle("Portuguese", "Qual é o maior planeta do Sistema Solar?",
           "Júpiter é o maior planeta do Sistema Solar, com mais de 300 vezes a massa da Terra.",
           "Saturno é o maior planeta do Sistema Solar.", ("easy_prompt",)),
    Battle("Portuguese", "Explique em uma frase o que é inflação.",
           "Inflação é o aumento generalizado e contínuo dos preços, que reduz o poder de compra do dinheiro.",
           "Inflação é quando o governo imprime dinheiro. Também pode ser quando os preços mudam. Às vezes sobem, "
           "às vezes não, depende de muitos fatores.", ("if_prompt",)),
    Battle("Italian", "Quanto fa 12 × 13?", "12 × 13 = 156.", "12 × 13 = 144.", ("math_prompt", "easy_prompt")),
    Battle("Italian", "Scrivi un programma Python che stampi i numeri da 1 a 5.",
           _python("for i in range(1, 6):", "    print(i)"),
           _python("for i in range(5):", "    print(i)") + "\nQuesto stampa i numeri da 1 a 5.", ("is_code",)),
    Battle("Dutch", "Wat is de hoofdstad van Nederland?",
           "De hoofdstad van Nederland is Amsterdam; de regering zetelt in Den Haag.",
           "De hoofdstad van Nederland is Rotterdam.", ("easy_prompt",)),
    Battle("Polish", "Dlaczego liście zmieniają kolor jesienią?",
           "Jesienią drzewa przestają wytwarzać chlorofil, który barwi liście na zielono. Gdy się rozkłada, widać "
           "żółte i pomarańczowe karotenoidy, a u niektórych gatunków powstają czerwone antocyjany.",
           "Liście zmieniają kolor, ponieważ jesienią jest zimno i farba z nich schodzi.", ("hard_prompt",)),
)


def _row(number: int, battle: Battle) -> dict:
    """Battle `number` (from 1): its two models from the rotation; the sound answer is written by the
    stronger one (the weaker in an upset) and sits on side A in odd battles, B in even ones."""
    stronger, weaker = (MODELS[i] for i in ROTATION[(number - 1) % len(ROTATION)])
    writer, other = (weaker, stronger) if number in UPSETS else (stronger, weaker)
    sound_first = number % 2 == 1
    model_a, model_b = (writer, other) if sound_first else (other, writer)
    return {
        "question_id": f"demo-ppe-{number:02d}",
        "model_a": model_a,
        "model_b": model_b,
        "winner": TIE_VOTES.get(number, "model_a" if sound_first else "model_b"),
        "prompt": battle.prompt,
        "response_1": battle.sound if sound_first else battle.flawed,
        "response_2": battle.flawed if sound_first else battle.sound,
        "language": battle.language,
        **{tag: tag in battle.tags for tag in TAG_COLUMNS},
    }


def sample_rows() -> list[dict]:
    unknown = sorted({t for b in BATTLES for t in b.tags} - set(CATEGORIES))
    if unknown:
        raise ValueError(f"tags {', '.join(unknown)} are not PPE categories ({', '.join(CATEGORIES)})")
    missing = [language for language in LANGUAGES if sum(b.language == language for b in BATTLES) < 2]
    if missing:
        raise ValueError(f"every named language needs two battles or more; short: {', '.join(missing)}")
    return [_row(number, battle) for number, battle in enumerate(BATTLES, start=1)]


def main(argv: Optional[Sequence[str]] = None) -> int:
    return sample_file_main(argv, "demo.sample_data_ppe", __doc__, SAMPLE_PPE_PATH, sample_rows, "PPE human preference battles")


if __name__ == "__main__":
    sys.exit(main())
