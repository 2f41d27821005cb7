"""What the corpus tab's "About the index" shows of the encoders (qa.corpus.index_info)."""
from __future__ import annotations

from models.choice import describe, label, load_choice
from qa.corpus import index_info


def test_about_the_index_names_the_query_encoder_and_the_measured_choice(engine):
    info = index_info(engine)
    assert info.query_encoder == label(engine.encoder.variant) == f"PyTorch {engine.encoder.dtype}"
    measured = load_choice()
    assert info.encoder_choice == describe(measured)
    if measured is not None:  # the figures of the chosen variants, and the CPU they were measured on
        assert label(measured["query"]) in info.encoder_choice and measured["cpu"] in info.encoder_choice
    assert info.passages > 0 and info.model_id == engine.encoder.model_id
