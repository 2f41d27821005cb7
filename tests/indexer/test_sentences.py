"""The sentence splitter on Norwegian academic prose."""
from indexer.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_splits_plain_sentences():
    assert sentences("Dette er én. Dette er to! Er dette tre? Ja.") == ["Dette er én.", "Dette er to!", "Er dette tre?", "Ja."]


def test_abbreviations_do_not_end_sentences():
    text = "Legale rusmidler (f.eks. alkohol) og bl.a. cannabis, jf. Ot.prp. Dvs. at det gjelder alle, osv. Neste."
    assert sentences(text)[0].startswith("Legale rusmidler (f.eks. alkohol) og bl.a. cannabis, jf.")
    for abbreviation in ["s. 12", "ca. 40", "nr. 3", "Goffman et al. Senere"]:
        assert len(sentences(f"Se {abbreviation} her.")) == 1, abbreviation


def test_citations_stay_inside_their_sentence():
    text = "Bedring er en prosess (Topor, 2006, s. 12). Den tar tid (Hansen et al., 2015. s. 3)."
    assert sentences(text) == ["Bedring er en prosess (Topor, 2006, s. 12).", "Den tar tid (Hansen et al., 2015. s. 3)."]


def test_initials_and_numbers():
    assert sentences("Erving A. Goffman skrev dette. 96 prosent har brukt rus.") == [
        "Erving A. Goffman skrev dette.", "96 prosent har brukt rus."]


def test_quotes_close_the_sentence():
    assert sentences("Han sa: «Nei.» Så gikk han.") == ["Han sa: «Nei.»", "Så gikk han."]


def test_lower_case_after_period_is_no_boundary():
    assert sentences("Dette skjedde på 1970-tallet. og videre") == ["Dette skjedde på 1970-tallet. og videre"]


def test_spans_are_offsets_into_the_text():
    text = "  Første setning.   Andre setning.  "
    for a, b in split_sentences(text):
        assert text[a:b] == text[a:b].strip() and text[a:b]
