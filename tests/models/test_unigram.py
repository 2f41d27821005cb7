"""models.unigram against the reference it replaces: the `tokenizers` library over the same
``tokenizer.json``, token id for token id, on the corpus, every project question and strings chosen
to hit each step (specials in the text, grapheme clusters, unknown characters, ties)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from models.materialise import ensure_default_model
from models.unigram import UnigramTokenizer, serde_float

REPO = Path(__file__).resolve().parents[2]
AWKWARD = [
    "", " ", "   ", "\t", "\n\n", "  to  mellomrom  ", "linje\nskift\r\nog\ttab", "x\r\n\r\ny",
    "ﬁnansiering ½ … « sitat » – tankestrek", "\u00a0hardt\u00a0mellomrom", "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ",
    "e\u0301 kombinerende aksent", "Ａ\u0301", "a\u0308\u0301b", "null\u200bbredde", "ﬀﬁﬂ",
    "emoji 😀😀 og 𓀀𓀁 ukjente", "👨‍👩‍👧 familie", "🇳🇴 flagg", "ÆØÅ æøå Çà", "H₂O x² ™",
    "▁metaspace", "▁", "▁▁ a", "ﾊﾝｶｸ カタカナ 漢字", "\x01kontroll\x7f",
    "a<s>b x </s> y", "<s>", " <s> x", "<unk>", "<mask>a", "<pad></s>",
    "\x7f", "\x9f",  # mapped to nothing: no metaspace either
    "a\x00b", "".join(map(chr, range(32))), "\ufeffBOM", "\U0010ffff", "a" * 600,
    "⁓\x9aŐ′′′è",  # a tie between two orders of the same pieces, decided by how the scores were parsed
]


@pytest.fixture(scope="module")
def tokenizers_pair() -> tuple[UnigramTokenizer, object]:
    from tokenizers import Tokenizer

    path = ensure_default_model() / "tokenizer.json"
    reference = Tokenizer.from_file(str(path))
    reference.no_truncation()
    reference.no_padding()
    return UnigramTokenizer(path), reference


def assert_same_ids(pair, texts: list[str]) -> None:
    mine, reference = pair
    for special in (True, False):
        expected = [e.ids for e in reference.encode_batch(texts, add_special_tokens=special)]
        wrong = [(t[:60], got, want) for t, want in zip(texts, expected)
                 if (got := mine.encode(t, special)) != want]
        assert not wrong, wrong[:5]


def test_same_ids_on_the_corpus_and_every_question(tokenizers_pair):
    texts = []
    for path in sorted((REPO / "corpus").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        texts += [line for line in raw.splitlines() if line.strip()]
        texts += [raw[i:i + 700] for i in range(0, len(raw), 700)]
    for path in sorted((REPO / "eval").glob("*.jsonl")):
        texts += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(texts) > 7_000
    assert_same_ids(tokenizers_pair, texts)


def test_same_ids_on_awkward_and_random_strings(tokenizers_pair):
    rng = random.Random(0)
    pool = [chr(c) for c in [*range(32, 0x250), *range(0x300, 0x370), *range(0x2000, 0x2070), *range(0xFF00, 0xFF70),
                             0x1F600, 0x1F44D, 0x200D, 0xFE0F, 0x1F3FD, 0x0D, 0x0A, 0x09, 0xA0, 0x3000]]
    fuzz = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    assert_same_ids(tokenizers_pair, AWKWARD + fuzz)


def test_specials_and_pad_id(tokenizers_pair):
    mine, reference = tokenizers_pair
    assert mine.encode("x")[0] == reference.token_to_id("<s>") and mine.encode("x")[-1] == reference.token_to_id("</s>")
    assert mine.token_to_id("<pad>") == reference.token_to_id("<pad>") is not None


def test_scores_are_read_as_serde_json_reads_them():
    """Not always the nearest double: the digits as an integer, divided by a power of ten."""
    assert serde_float("-12.657740592956543") == float(-12657740592956543) / 1e15 != -12.657740592956543
    assert serde_float("-12.863308906555176") == -12.863308906555176
    assert serde_float("0.0") == 0.0 and serde_float("-3") == -3.0
    assert serde_float("1.5e-3") == 15 / 1e4 and serde_float("2E2") == 200.0


def test_a_file_of_another_layout_is_refused_and_the_library_reads_it(tmp_path):
    from tokenizers import Tokenizer, models, pre_tokenizers

    from models.backends import JsonTokenizer

    other = Tokenizer(models.WordLevel({"<pad>": 0, "[UNK]": 1, "hei": 2, "verden": 3}, unk_token="[UNK]"))
    other.pre_tokenizer = pre_tokenizers.Whitespace()
    other.save(str(tmp_path / "tokenizer.json"))
    with pytest.raises(ValueError, match="not a tokenizer.json as models.tokenizer writes it"):
        UnigramTokenizer(tmp_path / "tokenizer.json")
    tokenizer = JsonTokenizer(tmp_path / "tokenizer.json", {"pad_token": "<pad>"}, for_queries=True)
    assert tokenizer(["hei verden ukjent"])["input_ids"] == [[2, 3, 1]] and tokenizer.pad_token_id == 0
