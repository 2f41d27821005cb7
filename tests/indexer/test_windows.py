"""Windows (indexer.windows): runs of 2-3 sentences of one passage, embedded as their own texts."""
from __future__ import annotations

import numpy as np

from indexer.windows import thesis_windows, window_texts
from store.reader import load_thesis, open_index


def test_every_window_is_two_or_three_sentences_of_one_passage_each_once(built_index):
    with open_index(built_index) as snap:
        for doc in snap.manifest["theses"]:
            stored = load_thesis(snap, doc)
            thesis, windows = stored.thesis, stored.windows
            assert windows == thesis_windows(thesis) == sorted(set(windows)) and windows, doc
            assert len(stored.window_vectors) == len(windows)
            inside = {(f, f + n - 1) for p in thesis.passages for f in range(p.first_sentence, p.last_sentence)
                      for n in (2, 3) if f + n - 1 <= p.last_sentence}
            assert set(windows) == inside, doc  # every such run is one, nothing else is
            for first, last in windows:
                assert 2 <= last - first + 1 <= 3
                assert thesis.sentences[first].section == thesis.sentences[last].section


def test_a_window_text_runs_from_its_first_sentence_to_its_last(built_index):
    with open_index(built_index) as snap:
        thesis = load_thesis(snap, sorted(snap.manifest["theses"])[0]).thesis
    windows = thesis_windows(thesis)[:50]
    for (first, last), text in zip(windows, window_texts(thesis, windows)):
        assert text.startswith(thesis.sentences[first].text) and text.endswith(thesis.sentences[last].text)
        middle = thesis.sentences[first + 1].text if last - first == 2 else ""
        assert middle in text


def test_stored_window_vectors_are_the_encoders_vectors_of_their_texts(built_index, encoder):
    with open_index(built_index) as snap:
        stored = load_thesis(snap, sorted(snap.manifest["theses"])[-1])
    rows = np.linspace(0, len(stored.windows) - 1, 24).astype(int)
    texts = window_texts(stored.thesis, [stored.windows[i] for i in rows])
    fresh = encoder.encode_passages(texts)
    cosines = (fresh * stored.window_vectors[rows]).sum(axis=1)
    assert cosines.min() >= 0.999, cosines.min()
