"""M-RewardBench: RewardBench v1 translated into 23 languages (plus the English original); a
RewardBench v1 score per language, the headline the mean over the 23 (languages.py)."""

from __future__ import annotations

from .languages import LanguageMetrics, LanguageRows
from .rewardbench import CORE_SECTIONS
from .spec import BenchmarkSpec, DataSource

ENGLISH = "eng_Latn"
LANGUAGES: tuple[str, ...] = (
    "arb_Arab", "ces_Latn", "deu_Latn", "ell_Grek", "fra_Latn", "heb_Hebr", "hin_Deva", "ind_Latn",
    "ita_Latn", "jpn_Jpan", "kor_Hang", "nld_Latn", "pes_Arab", "pol_Latn", "por_Latn", "ron_Latn",
    "rus_Cyrl", "spa_Latn", "tur_Latn", "ukr_Cyrl", "vie_Latn", "zho_Hans", "zho_Hant",
)  # fmt: skip

ABOUT = (
    "M-RewardBench is RewardBench v1 (Chat, Chat Hard, Safety, Reasoning) translated into 23 languages. "
    "Each test is a prompt with a *chosen* and a *rejected* answer in one language; the reward model gets "
    "it **right when it scores the chosen answer strictly higher** (a tie is wrong), as in RewardBench."
)

M_REWARDBENCH = BenchmarkSpec(
    name="m-rewardbench",
    version="1",
    title="M-RewardBench",
    about=ABOUT,
    core_source=DataSource(
        "C4AI-Community/multilingual-reward-bench", split="test", configs=(*LANGUAGES, ENGLISH)
    ),
    metrics=LanguageMetrics(CORE_SECTIONS, LANGUAGES, ENGLISH),
    rows=LanguageRows(),
    bootstrap_unit="example, within its subset and language",
)
