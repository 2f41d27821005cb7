"""Cleaning: joined lines and hyphens, dropped artefacts, exact source mapping, masking."""
from indexer.cleaner import EMAIL_MASK, PHONE_MASK, clean
from indexer.headings import find_headings
from indexer.layout import split_lines

DUMP = (
    " 1.0 Innledning \n"
    "Brukere av NAV-\n\n"
    "kontoret får helse- \n\n"
    "og omsorgstjenester. Dette er   mye \n\n"
    "tekst.  \n\n"
    " \n\n"
    "Ny avsnitt her. Kontakt ola@uni.no eller 99 88 77 66. \n\n\n\n"
    " 7 \n\n"
    "Side sju starter her. \n"
)


def cleaned(text: str = DUMP, mask: bool = True):
    lines = split_lines(text)
    return clean(lines, find_headings(lines), mask_personal_data=mask)


def test_paragraphs_headings_and_hyphen_joins():
    text = cleaned().text
    assert text.startswith("1.0 Innledning\n\nBrukere av NAV-kontoret får helse- og omsorgstjenester. Dette er mye tekst.\n\n")
    assert "\n\n7\n\n" not in text and " 7 " not in text  # the stray page number is gone


def test_every_clean_character_maps_to_the_same_source_character():
    result = cleaned(mask=False)
    for i, ch in enumerate(result.text):
        source = DUMP[result.source.to_source(i)]
        assert ch == source or (ch in " \n" and source.isspace()), (i, ch, source)


def test_personal_data_is_masked_with_exact_offsets():
    result = cleaned()
    assert EMAIL_MASK in result.text and PHONE_MASK in result.text
    assert "ola@uni.no" not in result.text and "99 88 77 66" not in result.text
    assert DUMP[result.source.to_source(result.text.index(EMAIL_MASK))] == "o"
    assert "ola@uni.no" in cleaned(mask=False).text


def test_page_breaks_follow_markers_and_printed_numbers():
    result = cleaned()
    starts = [b.start for b in result.page_breaks]
    assert [b.printed for b in result.page_breaks] == [None, 7]
    assert result.text[starts[1]:].startswith("Side sju")


def test_cleaning_is_deterministic():
    assert cleaned().text == cleaned().text
