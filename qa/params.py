"""Every scoring knob of the query side, with the measurement that chose it.

One frozen `Params` value is passed to retrieval and answering (`Engine.params` by default,
`DEFAULT` unless the engine was given other ones); tests and experiments pass their own
(`dataclasses.replace(DEFAULT, pool=128)`) instead of patching module constants.

The knobs that shape the index itself (exact or HNSW dense index and its build parameters,
BM25 k1/b, how many neighbours define a sentence's typicality) are fixed when the index is built
and live with the build: `indexer.params` (recorded in each snapshot's manifest).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from models.materialise import DEFAULT_MODEL_ID


@dataclass(frozen=True)
class Weights:
    """How much each piece of evidence counts in a passage's score."""

    dense: float
    sentence: float
    lexical: float


# Per question language. BM25 over Norwegian text is no help to an English question, so English
# questions lean on the dense evidence. Chosen on the dev set (eval/README.md).
_WEIGHTS = MappingProxyType({
    "no": Weights(dense=1.0, sentence=1.0, lexical=0.10),
    "en": Weights(dense=1.0, sentence=1.0, lexical=0.0),
})

# Abstain when the best answer sentence scores below this, per model and query encoder precision
# and per question language (English questions over Norwegian text score lower across the board).
# Calibrated with `python -m qa calibrate eval/dev.jsonl eval/unanswerable.jsonl` (33 answerable,
# 25 unanswerable questions): per language, a threshold in the gap that keeps wrong abstentions at
# or below 10%. The int8 query encoder is the default; the PyTorch one (where int8 is not fast)
# moves scores by up to 0.005, as much as the gaps, so it has its own thresholds. Measured:
# int8: no 0.885 → 11/13 unanswerable abstain, 2/20 answerable wrongly; en 0.855 → 9/12, 0/13.
# bf16: no 0.883 → 12/13, 2/20; en 0.859 → 9/12, 1/13. fp32 queries use bf16's thresholds.
# Table of what was tried: eval/README.md. Thresholds belong to one model: an index built with
# another model has none (until it is calibrated), and answers then never abstain, with a notice.
_ABSTAIN_BELOW = MappingProxyType({
    (DEFAULT_MODEL_ID, "int8"): MappingProxyType({"no": 0.885, "en": 0.855}),
    (DEFAULT_MODEL_ID, "bf16"): MappingProxyType({"no": 0.883, "en": 0.859}),
    (DEFAULT_MODEL_ID, "fp32"): MappingProxyType({"no": 0.883, "en": 0.859}),
})


@dataclass(frozen=True)
class Params:
    """The query side's scoring parameters (see the module docstring)."""

    # --- retrieval (qa.search)
    weights: Mapping[str, Weights] = field(default_factory=lambda: _WEIGHTS)
    # Cosines across languages come out lower than cosines within one, so an English question put
    # the English passages (abstracts, quotations) above the Norwegian passages that answer it. A
    # passage in the question's language loses this much of each dense evidence. Dev set, 13
    # English questions: nDCG@10 0.691 → 0.744 (0.01), 0.764 (0.02), 0.771 (0.03-0.05); Norwegian
    # questions unchanged.
    same_language_penalty: float = 0.02
    # Below this many (allowed) passages every passage is scored in full; above it only the `pool`
    # nearest passages of the dense index and the `pool` best of BM25 are (bench/scale.py).
    exhaustive_up_to: int = 2000
    pool: int = 256
    # HNSW candidate list while searching (raised to k). The pool is re-ranked, so the whole pool
    # must be right, not just its top 10: at 1M synthetic passages qa.search's recall@10 against
    # exact search was 0.79 at 256, 0.93 at 1024 and 0.98 at 2048 (dense search ~10 ms there).
    ef_search: int = 2048
    # On a large corpus, how many of the best passages are checked for the query word for word.
    phrase_pool: int = 20

    # --- answers (qa.answer)
    max_sentences: int = 3
    sources_scanned: int = 3  # answer sentences come from the top passages only
    abstain_below: Mapping[tuple[str, str], Mapping[str, float]] = field(default_factory=lambda: _ABSTAIN_BELOW)
    # A sentence's score: its cosine to the question plus this times the share of the question's
    # (stemmed) terms it contains; chosen on the dev set (answer-sentence hit rate 0.18 → 0.24).
    term_weight: float = 0.1
    # Minus this times the sentence's typicality of its thesis (`indexer.typicality`): sentences
    # that restate a thesis's topic no longer answer every on-topic question. Dev set, thresholds
    # at the 10% edge recalibrated for each weight: 0 → 15/25 unanswerable abstain; 0.75 → 19/25;
    # 1.0 → 19/25; 1.25 → 21/25; 1.5 → 20/25. Shipped (thresholds with a margin): 21/25,
    # answer-sentence hit 0.24 → 0.27.
    typicality_weight: float = 1.25
    # Added to the sentence(s) holding a pasted phrase (`qa.phrase`) word for word: the student
    # asked for them, however weak their cosine to a fragment of themselves.
    verbatim_bonus: float = 1.0
    runner_up_margin: float = 0.02  # a further sentence must score within this of the best one
    min_words: int = 4  # shorter "sentences" (fragments, list items) are not answers on their own
    near_duplicate: float = 0.6  # word-set overlap above which two sentences say the same

    def abstention_thresholds(self, model_id: str, dtype: str) -> Mapping[str, float] | None:
        """The per-language thresholds calibrated for this model and query precision, or None."""
        return self.abstain_below.get((model_id, dtype))


DEFAULT = Params()
