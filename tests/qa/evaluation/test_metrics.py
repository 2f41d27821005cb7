"""Scoring rule of the evaluation (qa.evaluation.metrics): hand-made cases with hand-computed values."""
import math
import random

import pytest

from qa.evaluation.metrics import answer_hits, longest_common_substring, normalise, passage_hits, ranking_metrics

# 1 / log2(r + 1) for the ranks used below
D1, D2, D3, D9, D10 = 1.0, 1 / math.log2(3), 0.5, 1 / math.log2(10), 1 / math.log2(11)  # D2 = 0.63093


def brute_lcs(a: str, b: str) -> int:
    """Independent reference: try every substring of `a`, longest first."""
    for length in range(len(a), 0, -1):
        if any(a[i : i + length] in b for i in range(len(a) - length + 1)):
            return length
    return 0


# --- normalise ---------------------------------------------------------------------------------


def test_normalise_collapses_whitespace_strips_and_lowercases():
    assert normalise("  Hei\n\n  VERDEN\t!\u00a0 ") == "hei verden !"
    assert normalise("") == ""
    assert normalise("NAV-kontoret") == "nav-kontoret"  # hyphens are not whitespace


# --- longest_common_substring --------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("", "abc", 0),
        ("abc", "", 0),
        ("abc", "xyz", 0),
        ("abc", "abc", 3),
        ("xabcy", "zabcw", 3),  # "abc"
        ("abcd--ghij", "abcdefghij", 4),  # two pieces of 4, the longest single one counts
        ("rusfri", "en rusfri hverdag", 6),  # containment
        ("aaaa", "aa", 2),
    ],
)
def test_lcs_hand_cases(a, b, expected):
    assert longest_common_substring(a, b) == expected
    assert longest_common_substring(b, a) == expected


def test_lcs_matches_brute_force_on_random_strings():
    rng = random.Random(20240101)
    for _ in range(200):
        a = "".join(rng.choice("ab c") for _ in range(rng.randint(0, 14)))
        b = "".join(rng.choice("ab c") for _ in range(rng.randint(0, 14)))
        assert longest_common_substring(a, b) == brute_lcs(a, b), (a, b)


# --- passage_hits ------------------------------------------------------------------------------

QUOTE = "Informantene består av 5 kvinner og 3 menn i alderen ca. 30-50 år."
GOLD = {"doc": "001.txt", "quote": QUOTE}


def test_quote_length_used_below():
    # Hand count: Informantene(12) _(13) består(19) _(20) av(22) _(23) 5(24) _(25) kvinner(32) _(33)
    # og(35) _(36) 3(37) _(38) menn(42) _(43) i(44) _(45) alderen(52) _(53) ca.(56) _(57) 30-50(62) _(63) år.(66)
    assert len(normalise(QUOTE)) == 66  # half: 33 characters


def test_containment_hits():
    assert passage_hits("001.txt", "Denne studien har åtte informanter. " + QUOTE + " Deres erfaringer varierer.", GOLD)


def test_containment_after_whitespace_and_case_normalisation():
    messy = "INFORMANTENE  består av 5\nkvinner og 3 menn\n\n i alderen CA. 30-50 år."
    assert passage_hits("001.txt", messy, GOLD)


def test_other_file_misses_even_with_the_exact_quote():
    assert not passage_hits("002.txt", QUOTE, GOLD)


def test_doc_compared_by_file_name():
    assert passage_hits("corpus/001.txt", QUOTE, GOLD)


def test_half_lcs_hit_and_near_miss_at_a_passage_boundary():
    # A passage that ends inside the quote. "Informantene består av 5 kvinner og" is 35 chars >= 33: hit.
    assert passage_hits("001.txt", "Studien har åtte informanter. Informantene består av 5 kvinner og", GOLD)
    # "Informantene består av 5 kvinner" is 32 chars < 33: miss (the rest shares at most
    # "informante", 10 chars).
    assert not passage_hits("001.txt", "Studien har åtte informanter. Informantene består av 5 kvinner", GOLD)
    # Exactly half: "Informantene består av 5 kvinner " (33 incl. the trailing space) then other text.
    assert passage_hits("001.txt", "Informantene består av 5 kvinner xyz", GOLD)


@pytest.mark.parametrize(
    "quote, passage, expected",
    [
        ("abcdefghij", "xxabcdeyy", True),  # LCS 5, 2*5 >= 10
        ("abcdefghij", "xxabcdyyfghij", True),  # LCS "fghij" 5
        ("abcdefghij", "xxabcdyyghij", False),  # LCS 4 < 5
        ("abcdefghij", "abcd--ghij", False),  # 8 chars shared, but no single run of 5
        ("abcdefghi", "abcde", True),  # odd: 9 / 2 = 4.5, LCS 5
        ("abcdefghi", "abcd", False),  # LCS 4 < 4.5
    ],
)
def test_half_lcs_threshold(quote, passage, expected):
    assert passage_hits("a.txt", passage, {"doc": "a.txt", "quote": quote}) is expected


def test_passage_hits_agrees_with_brute_force_rule():
    rng = random.Random(7)
    for _ in range(200):
        q = "".join(rng.choice("abC \n") for _ in range(rng.randint(1, 12)))
        p = "".join(rng.choice("aBc \t") for _ in range(rng.randint(0, 20)))
        nq, np_ = normalise(q), normalise(p)
        expected = bool(nq) and (nq in np_ or 2 * brute_lcs(nq, np_) >= len(nq))
        assert passage_hits("x.txt", p, {"doc": "x.txt", "quote": q}) is expected, (q, p)


def test_empty_quote_hits_nothing():
    assert not passage_hits("a.txt", "anything", {"doc": "a.txt", "quote": "  \n "})


# --- ranking_metrics ---------------------------------------------------------------------------

A = {"doc": "a.txt", "quote": "Alfa sier at nettverket bærer."}
B = {"doc": "a.txt", "quote": "Bravo mener at fellesskapet hjelper."}
C = {"doc": "b.txt", "quote": "Charlie viser at ensomhet gir tilbakefall."}
MISS = ("a.txt", "Et avsnitt om metode og utvalg, uten noe av det vi leter etter.")


def hit(*quotes):
    """One passage from the quotes' file holding all of them."""
    return (quotes[0]["doc"], "Innledende tekst. " + " ".join(q["quote"] for q in quotes) + " Avsluttende tekst.")


def test_one_quote_hit_at_rank_3():
    m = ranking_metrics([MISS, MISS, hit(A), MISS], [A])
    # recall@1 0/1; recall@5 1/min(1,5) = 1; MRR 1/3; nDCG (1/log2 4) / (1/log2 2) = 0.5
    assert m == pytest.approx({"recall@1": 0.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 1 / 3, "ndcg@10": 0.5})


def test_one_quote_hit_at_rank_1_is_perfect():
    m = ranking_metrics([hit(A), MISS], [A])
    assert m == pytest.approx({"recall@1": 1.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0})


def test_hit_in_other_file_does_not_count():
    m = ranking_metrics([("b.txt", A["quote"]), MISS], [A])
    assert m == {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}


def test_three_quotes_two_found_min_n_k_denominator():
    passages = [hit(A), MISS, hit(B)] + [MISS] * 7  # C never found
    m = ranking_metrics(passages, [A, B, C])
    # recall@1: 1 quote hit / min(3, 1) = 1.0; recall@5 and @10: 2 / 3
    # MRR 1; DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 0.63093 + 0.5 = 2.13093; nDCG = 0.70392
    assert m == pytest.approx({"recall@1": 1.0, "recall@5": 2 / 3, "recall@10": 2 / 3, "mrr@10": 1.0, "ndcg@10": 1.5 / 2.13093}, abs=1e-5)


def test_recall_at_1_with_several_quotes_missed_at_rank_1():
    m = ranking_metrics([MISS, hit(A), hit(B), hit(C)], [A, B, C])
    # recall@1 0/1; recall@5 3/3; MRR 1/2
    assert (m["recall@1"], m["recall@5"], m["mrr@10"]) == pytest.approx((0.0, 1.0, 0.5))


def test_mrr_counts_only_the_top_10():
    at_10 = ranking_metrics([MISS] * 9 + [hit(A)], [A])
    at_11 = ranking_metrics([MISS] * 10 + [hit(A)], [A])
    assert at_10["mrr@10"] == pytest.approx(0.1)
    assert at_10["ndcg@10"] == pytest.approx(D10)  # 1/log2(11) = 0.28906
    assert at_11 == {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}


def test_ndcg_perfect_two_quotes_in_either_order():
    # DCG = 1 + 1/log2(3) = IDCG
    assert ranking_metrics([hit(A), hit(B)], [A, B])["ndcg@10"] == pytest.approx(1.0)
    assert ranking_metrics([hit(B), hit(A)], [A, B])["ndcg@10"] == pytest.approx(1.0)


def test_ndcg_reversed_ranking_hits_at_the_bottom():
    m = ranking_metrics([MISS] * 8 + [hit(A), hit(B)], [A, B])
    # DCG = 1/log2(10) + 1/log2(11) = 0.30103 + 0.28906 = 0.59009; IDCG = 1.63093; nDCG = 0.36181
    assert m["ndcg@10"] == pytest.approx(0.36181, abs=1e-5)
    assert m["ndcg@10"] == pytest.approx((D9 + D10) / (D1 + D2))


def test_ndcg_partial_ranking():
    m = ranking_metrics([MISS, hit(A), MISS], [A, B])
    # DCG = 1/log2(3) = 0.63093; IDCG = 1.63093; nDCG = 0.38685
    assert m["ndcg@10"] == pytest.approx(0.38685, abs=1e-5)
    assert m["recall@10"] == pytest.approx(0.5)


def test_repeated_hits_of_the_same_quote_earn_no_gain():
    m = ranking_metrics([hit(A), hit(A), hit(A)], [A, B])
    # only the first hit of A counts: DCG 1, IDCG 1.63093, nDCG 0.61315
    assert m["ndcg@10"] == pytest.approx(0.61315, abs=1e-5)


def test_two_quotes_hit_by_one_passage():
    # at rank 1: DCG = 2 > IDCG 1.63093 -> capped at 1; recall@1 = 2 / min(2, 1) capped at 1
    top = ranking_metrics([hit(A, B), MISS], [A, B])
    assert top == pytest.approx({"recall@1": 1.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0})
    # at rank 2: DCG = 2 * 0.63093 = 1.26186; nDCG = 1.26186 / 1.63093 = 0.77370 (not capped)
    second = ranking_metrics([MISS, hit(A, B)], [A, B])
    assert second["ndcg@10"] == pytest.approx(0.77370, abs=1e-5)
    assert (second["recall@1"], second["recall@5"], second["mrr@10"]) == pytest.approx((0.0, 1.0, 0.5))


def test_custom_ks_and_no_gold():
    m = ranking_metrics([MISS, hit(A)], [A], ks=(2, 3))
    assert set(m) == {"recall@2", "recall@3", "mrr@10", "ndcg@10"}
    assert m["recall@2"] == 1.0
    with pytest.raises(ValueError):
        ranking_metrics([hit(A)], [])


# --- answer_hits -------------------------------------------------------------------------------


def test_answer_sentence_inside_a_longer_quote():
    gold = [{"doc": "a.txt", "quote": "Første setning her. Andre setning er svaret. Tredje setning."}]
    assert answer_hits("a.txt", "andre  SETNING er svaret.", gold)


def test_answer_sentence_containing_the_quote():
    gold = [{"doc": "a.txt", "quote": "fem kvinner og tre menn"}]
    assert answer_hits("a.txt", "Informantene var fem kvinner og tre menn i alderen 30-50 år.", gold)


def test_answer_half_of_the_shorter():
    gold = [{"doc": "a.txt", "quote": "qqabcdefqq"}]  # 10 chars: the shorter one
    assert answer_hits("a.txt", "zzzabcdezzzz", gold)  # LCS "abcde" 5, 2*5 >= 10
    assert not answer_hits("a.txt", "zzzabcdzzzzz", gold)  # LCS 4 < 5


def test_answer_other_file_empty_sentence_and_any_of_several_quotes():
    gold = [{"doc": "a.txt", "quote": "Ingen treff her."}, {"doc": "b.txt", "quote": "Svaret står i denne."}]
    assert not answer_hits("a.txt", "Svaret står i denne.", gold)  # right text, wrong file
    assert answer_hits("b.txt", "Svaret står i denne.", gold)  # the second quote
    assert not answer_hits("b.txt", "  ", gold)
