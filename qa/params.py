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
from dataclasses import dataclass, field, replace
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


@dataclass(frozen=True)
class Thresholds:
    """Where an answer's confidence score (`qa.confidence.score`) turns `none` and `high`, per
    question language (English questions over Norwegian text score lower across the board)."""

    none_below: Mapping[str, float]
    high_from: Mapping[str, float]

    def to_json(self) -> dict:
        return {"none_below": dict(self.none_below), "high_from": dict(self.high_from)}

    @classmethod
    def from_json(cls, data: Mapping) -> "Thresholds":
        return cls(MappingProxyType(dict(data["none_below"])), MappingProxyType(dict(data["high_from"])))


# Confidence thresholds per model and query encoder precision, each chosen by `python -m qa eval
# eval/dev.jsonl eval/unanswerable.jsonl eval/heldout.jsonl eval/fresh.jsonl eval/fresh2.jsonl
# eval/fresh3.jsonl --cv 5 --repeats 3` (`qa.evaluation.cv`) on all 202 project questions with that
# precision's query vectors:
# `none` sits 0.03 under the answerable scores that no rule refuses (`qa.confidence.ruled_out`) but
# for the lowest 5% of each language's (`cv.REFUSAL_BUDGET`), `high` above 90% of the unanswerable
# ones. fp32 is what every machine runs for queries (ONNX Runtime or PyTorch, the same vectors:
# `models.choice.MIN_QUERY_COSINE`); chosen on them on an AMD EPYC with AVX-512 with the knobs below
# (eval/README.md, phase 21); they serve bf16 queries too, whose scores sit within 0.005 of fp32's
# (the same rule on bf16 vectors: 0.931 / 0.852, `high` 1.092 / 1.029). int8 and bf16 queries run
# only when `--dtype` asks for them; int8's thresholds are the same rule applied to int8 vectors
# with the shipped knobs (`TESESOK_ENCODER_DTYPE=int8 python -m qa calibrate … --dry-run`, phase
# 21), whose scores sit up to 0.07 from fp32's (near-ties then change first sources and levels,
# tests/qa/test_stability.py). An index built with another model has none
# (its answers are `low` at best, with a notice) until `python -m qa calibrate` writes its own into
# the index (`store.calibration`).
_FP32_THRESHOLDS = Thresholds(MappingProxyType({"no": 0.931, "en": 0.853}),
                              MappingProxyType({"no": 1.092, "en": 1.028}))
_INT8_THRESHOLDS = Thresholds(MappingProxyType({"no": 0.927, "en": 0.850}),
                              MappingProxyType({"no": 1.090, "en": 1.032}))
_THRESHOLDS = MappingProxyType({(DEFAULT_MODEL_ID, "fp32"): _FP32_THRESHOLDS,
                                (DEFAULT_MODEL_ID, "bf16"): _FP32_THRESHOLDS,
                                (DEFAULT_MODEL_ID, "int8"): _INT8_THRESHOLDS})


@dataclass(frozen=True)
class Params:
    """The query side's scoring parameters (see the module docstring)."""

    # --- retrieval (qa.search)
    weights: Mapping[str, Weights] = field(default_factory=lambda: _WEIGHTS)
    # Cosines across languages come out lower than cosines within one, so an English question put
    # the English passages (abstracts, quotations) above the Norwegian passages that answer it. A
    # passage in the question's language loses this much of each dense evidence. Dev set, 13
    # English questions: nDCG@10 0.691 → 0.744 (0.01), 0.764 (0.02), 0.771 (0.03-0.05); Norwegian
    # questions unchanged. In `cv.SPACE` (0.02 / 0.03): with the token evidence, chosen on all 122
    # project questions, 0.03 (10 of 15 folds; eval/README.md, phase 17); on all 162, 0.03 again
    # (14 of 15 folds; phase 20). With the front penalty below, which already puts the English
    # abstracts back, every one of the 15 folds on the 202 project questions chose 0.02 (phase 21).
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

    # A passage overlapping a better hit is merged into it only within this many ranks; merging
    # looks at the whole ranking, never at `k`, so the first k hits of search(k) are those of
    # search(k + m). Cross-validation chose 30 over 10 in every fold.
    merge_depth: int = 30
    # Dense pseudo-relevance feedback: the query vector plus this times the mean of the top
    # `prf_depth` passage vectors (0: off). Held out it changed nothing (no fold chose it);
    # in-sample it cost English questions 0.05 nDCG. For Norwegian questions only, every fold chose
    # it, but held out it moved nDCG@10 by +0.004 and cost answer hits (0.425 → 0.407; eval/README.md).
    prf_weight: float = 0.0
    prf_depth: int = 3
    # Thesis-level prior: a passage gains this times its thesis's mean top-3 score minus the best
    # thesis's (0: off). Held out it lost on every figure (eval/README.md).
    thesis_weight: float = 0.0
    # Neighbouring-passage context: a passage gains this times how far the better of its two
    # neighbours in the same section outscores it, so a run of relevant passages beats a lone
    # one. Every one of the 15 CV folds chose 0.5 from 0-1 (steps of 0.25); held-out nDCG@10 on
    # the 92 project questions 0.647 → 0.690, English 0.729 → 0.754 (eval/README.md).
    context_weight: float = 0.5
    # Window evidence: a passage's sentence evidence becomes (1 - w) × its best sentence's cosine +
    # w × the best of that and its best window's (a run of 2-3 of its sentences embedded as one
    # text, `indexer.windows`), so a passage whose answer needs two sentences is found. Every one
    # of the 15 CV folds chose 1.0 from 0 / 0.5 / 1.0; held-out nDCG@10 on the 92 project questions
    # 0.690 → 0.716, English 0.754 → 0.779 (eval/README.md, phase 4).
    window_weight: float = 1.0
    # Late-interaction evidence (ColBERT-style MaxSim over e5's contextual token vectors, stored
    # with the index): a hybrid search's passage score gains this times its token score
    # (`qa.search._token_scores`), before the thesis prior and the neighbour gain. Cross-validated
    # over the 122 project questions, every one of the 15 folds chose it; held-out nDCG@10
    # 0.674 → 0.721, and 0.724 with the shipped code (eval/README.md, phase 17).
    token_weight: float = 1.0
    # Front matter (abstract, summary, foreword: the passages before a thesis's first chapter, 16 of
    # the corpus's 860) sums up the whole thesis, so it matches every question that describes the
    # thesis ("in the thesis on aftercare …") and led 9 of fresh3.jsonl's 28 answerable questions,
    # none of which it answers; a front passage loses this much of its score. In `cv.SPACE` as 0 /
    # 0.05 / 0.1 on the 202 project questions: 13 of 15 folds chose 0.05, 2 chose 0.1, none 0;
    # held out, nDCG@10 0.695 → 0.698 and answer hit 0.399 → 0.434 (eval/README.md, phase 21).
    front_penalty: float = 0.05

    # --- answers (qa.answer, qa.span): the best run of 1..max_sentences consecutive sentences of one
    # of the top `sources_scanned` hits, then up to max_quotes - 1 supporting quotes from other hits.
    max_sentences: int = 3
    max_quotes: int = 3
    sources_scanned: int = 3
    # A span's score: its best sentence's cosine (for a span of several sentences blended with
    # its window's own cosine, `span_window`: 1 is the window's alone; CV folds chose 0.5 in 13
    # of 15 before the token evidence, 1.0 in 10 of 15 with it), plus `term_weight` times the
    # share of the question's stemmed terms it holds (by idf if `idf_terms`), minus
    # `typicality_weight` times its sentences' mean typicality of their thesis
    # (`indexer.typicality`: meant to keep sentences restating a thesis's topic from answering
    # every on-topic question; see below), minus `extra_sentence_cost` per sentence beyond the
    # first (negative: a lead-in's continuation is worth quoting), plus `hit_weight` times its hit's retrieval score minus the top hit's.
    # term_weight, extra_sentence_cost, span_window and typicality_weight are chosen by
    # cross-validation (`qa.evaluation.cv.SPACE`). Typicality was once set to 1.25 on the dev
    # set alone, for the refusals of the old cliff (0 → 15/25 unanswerable refused, 1.25 →
    # 21/25); put into the CV space (0 / 0.25 / 0.5 / 1.25), every one of the 15 folds chose 0
    # and the held-out answer hit rose 0.362 → 0.425, unanswerable `none` 0.214 → 0.240: it kept
    # the right sentence out of the answer more often than a topic sentence (eval/README.md,
    # phase 5). hit_weight 3.0 was chosen by every fold over 0 and 1.5.
    term_weight: float = 0.2
    idf_terms: bool = False
    # Two answer sets traded places from phase 17 to 20: span window 1.0, typicality 0.5, cost 0,
    # term weight 0.2, quote weight 0.05 (the 122 project questions) and span window 0.5,
    # typicality 0, cost −0.02, term weight 0.1, quote weight 0.1 (the 162). On the 202 project
    # questions with fresh3.jsonl and the front penalty, the grid takes span window 1.0, typicality
    # 1.25, cost −0.02, term weight 0.2 and quote weight 0.2 (64 of its 133 answerable questions
    # hold a gold quote in-sample); 6 of the 15 CV folds chose exactly this set, 10 typicality 1.25,
    # and the folds split over six answer sets (phase 21).
    typicality_weight: float = 1.25
    extra_sentence_cost: float = -0.02
    span_window: float = 1.0
    hit_weight: float = 3.0
    # A question asking for a quote ("Finn et sitat …", `qa.answer_type.asks_for_quote`): a span
    # gains this times the share of its characters inside quotation marks, so the informant's
    # words win over the author's paraphrase around them. In `cv.SPACE` as 0 / 0.05 / 0.1 / 0.2:
    # 13 of 15 folds chose 0.05, 2 chose 0; held-out answer hit 0.425 → 0.461 (eval/README.md,
    # phase 7). On the 162 project questions (phase 20) the grid chose 0.1 (folds: 0.1 five times,
    # 0.05 four, 0.2 and 0 three each), ten times the query encoders' p90 score noise; on the 202
    # (phase 21) 0.2, as 12 of the 15 folds did.
    quote_weight: float = 0.2
    # Added to the quote joining the sentences a pasted phrase (`qa.phrase`) spans word for word:
    # the student asked for them, however weak their cosine to a fragment of themselves.
    verbatim_bonus: float = 1.0
    support_margin: float = 0.02  # a supporting quote must score within this of the answer
    min_words: int = 4  # a span of fewer words (a fragment, a list item) is no answer
    near_duplicate: float = 0.6  # word-set overlap above which two quotes say the same

    # --- confidence (qa.confidence): score = span score + margin_weight × (best cosine − the
    # query's background) + coverage_weight × share of question terms in the answer +
    # presence_weight × share of the question's term weight (idf) found in the corpus at all.
    # Weights chosen by cross-validation (`qa.evaluation.cv.SCORE_SPACE`); the values here (and
    # term_weight, extra_sentence_cost, hit_weight, same_language_penalty, context_weight,
    # window_weight, span_window, typicality_weight, quote_weight and the thresholds) are what it
    # chose on all 202 project questions with fp32 query vectors, the token evidence and the front
    # penalty (phase 21: presence weight 0.05, margin and coverage 0 as before); held-out figures in
    # eval/README.md.
    margin_weight: float = 0.0
    coverage_weight: float = 0.0
    presence_weight: float = 0.05
    thresholds: Mapping[tuple[str, str], Thresholds] = field(default_factory=lambda: _THRESHOLDS)

    def lexical(self, language: str) -> float:
        """The BM25 weight for a question in `language`."""
        return self.weights[language].lexical

    def confidence_thresholds(self, model_id: str, dtype: str) -> Thresholds | None:
        """The thresholds calibrated for this model and query precision, or None."""
        return self.thresholds.get((model_id, dtype))

    def calibrated(self, extra: Mapping[tuple[str, str], Thresholds]) -> "Params":
        """These parameters with `extra` thresholds (an index's own calibration) added."""
        return replace(self, thresholds=MappingProxyType({**self.thresholds, **extra}))


DEFAULT = Params()
