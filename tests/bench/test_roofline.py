"""The roofline's work count against PyTorch's own FLOP counter on the real model."""
from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from bench.roofline import model_shape, passage_flops
from models.materialise import ensure_default_model


@pytest.fixture(scope="module")
def eager_model():
    """The default model with plain attention, whose products the FLOP counter sees (SDPA's are hidden)."""
    from transformers import AutoModel

    return AutoModel.from_pretrained(str(ensure_default_model()), attn_implementation="eager").eval()


@pytest.mark.parametrize("tokens", [17, 200, 512])
def test_passage_flops_match_the_flop_counter(eager_model, tokens):
    ids = torch.randint(5, 1000, (1, tokens))
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        eager_model(input_ids=ids, attention_mask=torch.ones_like(ids))
    counts = {str(op): n for op, n in counter.get_flop_counts()["Global"].items()}
    hidden = eager_model.config.hidden_size
    pooler = 2 * hidden * hidden  # the unused [CLS] pooler, run once per passage

    linear, attention = passage_flops(tokens, model_shape(ensure_default_model()))

    assert linear + pooler == counts["aten.addmm"]
    assert attention == counts["aten.bmm"]
