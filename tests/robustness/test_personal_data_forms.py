"""Issue 22, class 1: personal data in every common form is masked, on the joined text, and nothing else is.

A value that wraps across lines (`per.hansen@stu-` / `dent.uia.no`, `912 34` / `567`) is masked
whole; Norwegian phone forms, fødselsnumre and obfuscated addresses are masked; number lists,
ISBN parts, amounts, years and page ranges stay verbatim. A property test checks on generated
dumps that masking changes nothing outside the masked spans and that no generated value survives
in what `qa ask` and `qa batch` print.
"""
from __future__ import annotations

import functools
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.build import build_index
from indexer.cleaner import EMAIL_MASK, ID_MASK, PHONE_MASK, clean
from indexer.headings import find_headings
from indexer.layout import split_lines
from tests.robustness.conftest import FakeEncoder, prose

MASKS = (EMAIL_MASK, PHONE_MASK, ID_MASK)
VALID_FNR = "15076500565"  # the published example fødselsnummer: a real date and right check digits


def cleaned(dump: str, mask: bool = True):
    lines = split_lines(dump)
    return clean(lines, find_headings(lines), mask_personal_data=mask)


def paragraph(*lines: str) -> str:
    """Lines laid out like the dumps: each visual line followed by an empty line."""
    return "\n\n".join(lines) + "\n"


@pytest.mark.parametrize("lines, value, mask", [
    (["Kontakt meg på per.hansen@stu-", "dent.uia.no om du lurer på noe."], "per.hansen@student.uia.no", EMAIL_MASK),
    (["Ring meg gjerne på 912 34", "567 om du lurer på noe."], "912 34 567", PHONE_MASK),
    (["Ring meg gjerne på +47 912", "34 567 om du lurer på noe."], "+47 912 34 567", PHONE_MASK),
])
def test_a_value_wrapped_across_lines_is_masked_whole(lines, value, mask):
    result = cleaned(paragraph(*lines))
    assert mask in result.text and value not in result.text
    assert not re.search(r"\d{2,}|@|hansen|dent\.uia", result.text.replace(mask, "")), result.text


@pytest.mark.parametrize("value, mask", [
    ("912 34 567", PHONE_MASK), ("9123 4567", PHONE_MASK), ("912-34-567", PHONE_MASK), ("91234567", PHONE_MASK),
    ("+47 91 23 45 67", PHONE_MASK), ("0047 91.23.45.67", PHONE_MASK), ("+47 912 34 567", PHONE_MASK),
    ("0047 91234567", PHONE_MASK), ("+4799541104", PHONE_MASK), ("+47 22 85 50 50", PHONE_MASK),
    (VALID_FNR, ID_MASK), ("150765 00565", ID_MASK),
    ("ola [at] uio [dot] no", EMAIL_MASK), ("kari(at)uia.no", EMAIL_MASK), ("kari＠uia.no", EMAIL_MASK),
    ("kari (at) stud (dot) uia (dot) no", EMAIL_MASK), ("per.hansen@student.uia.no", EMAIL_MASK),
])
def test_common_forms_are_masked(value, mask):
    text = cleaned(paragraph(f"Informanten kan nås på {value} hele uken.")).text
    assert text == f"Informanten kan nås på {mask} hele uken."


@pytest.mark.parametrize("text", ["Tlf. 22 85 50 50 (sentralbord).", "Ring oss på 91 23 45 67 i dag.",
                                  "Kontakt informanten på 91.23.45.67 i dag."])
def test_phone_numbers_in_pairs_are_masked_after_a_phone_word(text):
    result = cleaned(paragraph(text)).text
    assert PHONE_MASK in result and not re.search(r"\d", result)


def test_a_labelled_fodselsnummer_is_masked_even_with_wrong_check_digits():
    """`010199 12345` (the issue's example) has wrong check digits; after a label it is still masked."""
    text = cleaned(paragraph("Fødselsnummer: 010199 12345 (11 siffer).")).text
    assert text == f"Fødselsnummer: {ID_MASK} (11 siffer)."


@pytest.mark.parametrize("quote", [
    "Informantene var 12 15 18 20 år gamle.", "Alderen var 22 15 18 20 og 25 år.", "ISBN 978-82-15-02345-6",
    "ISBN 82-15-0234-5", "Prosjektet kostet kr 35000000 totalt.", "Det kostet 35000000 kroner.",
    "Studien gikk fra 2019 2020 til 2021.", "Se Hansen (2019, s. 2345-2360).", "I perioden 1998-2005 falt tallet.",
    "Et 11-sifret tall som 01234567890 er ikke et gyldig fødselsnummer.", "Beløpet var 1 000 000 kr.",
    "Tabell 3.12.2019 viser tallene.", "Saksnummer 010199 12345 er ikke et fødselsnummer.",
    "Les mer på www.uia.no eller @uia_no.", "Kapittel 4.2.1 drøfter 20 informanter.",
])
def test_numbers_that_are_not_personal_data_stay_verbatim(quote):
    assert cleaned(paragraph(quote)).text == quote


def test_masked_spans_are_recorded_and_map_back_to_the_source():
    dump = paragraph("Telefon: 912 34", "567. E-post: ola [at] uio [dot] no. Takk.")
    result = cleaned(dump)
    assert [m for _, _, m in result.masked] == [PHONE_MASK, EMAIL_MASK]
    for start, end, mask in result.masked:
        assert result.text[start:end] == mask
    (p_start, _, _), (e_start, e_end, _) = result.masked
    assert result.source.to_source(p_start) == dump.index("912 34")
    assert result.source.to_source(e_start) == dump.index("ola [at]")
    assert dump[result.source.to_source(e_end):].startswith(". Takk.")


# -------------------------------------------------------------------- the property test

_WORDS = st.sampled_from("rus behandling ettervern identitet kommune informantene opplever hverdagen "
                         "og i på er det som en 12 15 18 20 2019 s. 45-47".split())
_LOCAL = st.from_regex(r"[a-z]{2,8}(\.[a-z]{2,8})?", fullmatch=True)
_DOMAIN = st.sampled_from(["uia.no", "stud.uin.no", "uio.no", "nord.no", "gmail.com"])


@st.composite
def emails(draw) -> str:
    local, domain = draw(_LOCAL), draw(_DOMAIN)
    style = draw(st.sampled_from(["plain", "brackets", "parens", "fullwidth"]))
    if style == "brackets":
        return f"{local} [at] {domain.replace('.', ' [dot] ')}"
    return local + {"plain": "@", "parens": "(at)", "fullwidth": "＠"}[style] + domain


@st.composite
def phones(draw) -> str:
    digits = draw(st.sampled_from("2345679")) + "".join(str(draw(st.integers(0, 9))) for _ in range(7))
    sep = draw(st.sampled_from([" ", "-", "."]))
    groups = draw(st.sampled_from([(8,), (3, 2, 3), (4, 4), (2, 2, 2, 2)]))
    if groups == (4, 4) and int(digits[4:]) - int(digits[:4]) in range(1, 1000):
        groups = (3, 2, 3)  # that 4-4 form is read as a page range, on purpose
    parts, pos = [], 0
    for size in groups:
        parts.append(digits[pos:pos + size])
        pos += size
    prefix = draw(st.sampled_from(["", "", "+47 ", "0047 "]))
    return prefix + sep.join(parts)


VALUES = st.one_of(emails(), phones())


@st.composite
def dumps(draw) -> tuple[str, list[str]]:
    """A dump of one paragraph mixing filler and personal values, wrapped at random places.

    Each value stands between words (`kontakt på … i`): a phone number written right next to
    other numbers (`18 20 912 34 567`) is left alone on purpose, as part of a list of numbers, and
    pairs (`91 23 45 67`) need a word announcing a phone number. A word follows each value's
    `i`, so that the value's own `kontakt` never announces filler numbers after it (`kontakt på
    x@uia.no i 45-47 12 12` is masked as a phone number, by that rule).
    """
    tokens, values = [], []
    for _ in range(draw(st.integers(1, 6))):
        tokens += draw(st.lists(_WORDS, min_size=1, max_size=8))
        values.append(draw(VALUES))
        tokens += ["kontakt", "på", values[-1], "i", "teksten"]
    tokens += draw(st.lists(_WORDS, min_size=1, max_size=5))
    return "Tekst " + wrapped(" ".join(tokens), draw(st.lists(st.integers(1, 200), max_size=6))), values


def wrapped(text: str, cuts: list[int]) -> str:
    """`text` as a dump paragraph, its lines broken before the words numbered in `cuts`."""
    words = text.split(" ")
    cuts = sorted({c % len(words) for c in cuts} - {0})
    return paragraph(*(" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)])))


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value.removeprefix("+47 ").removeprefix("0047 "))


def survivors(text: str, values: list[str]) -> list[str]:
    """Generated values still readable in `text`: an e-mail's local part at an at sign, a phone's digits."""
    bare = re.sub(r"[\s.-]", "", text)
    found = []
    for value in values:
        if any(at in value for at in ("@", "＠", "(at)", "[at]")):
            local = re.split(r"\s?[@＠(\[]", value)[0]
            if re.search(rf"(?<![\w.]){re.escape(local)}\s?(?:[@＠]|\[at\]|\(at\))", text):
                found.append(value)
        elif _digits(value) in bare:
            found.append(value)
    return found


@settings(max_examples=200, deadline=None)
@given(dumps())
def test_masking_changes_nothing_outside_the_masked_spans(case):
    dump, values = case
    plain, masked = cleaned(dump, mask=False), cleaned(dump)
    # The masked text is the unmasked text with each masked span standing for a non-empty stretch.
    kept, pos = [], 0
    for start, end, mask in masked.masked:
        assert masked.text[start:end] == mask
        kept.append(masked.text[pos:start])
        pos = end
    kept.append(masked.text[pos:])
    pattern = "(.+?)".join(re.escape(k) for k in kept)
    replaced = re.fullmatch(pattern, plain.text, re.DOTALL)
    assert replaced, (plain.text, masked.text)
    assert len(masked.masked) == len(values)
    for value, original in zip(values, replaced.groups()):
        assert original == value
    assert [b.kind for b in plain.blocks] == [b.kind for b in masked.blocks]
    assert not survivors(masked.text, values), masked.text


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(VALUES, min_size=15, max_size=15), min_size=2, max_size=2))
def test_no_generated_value_survives_in_qa_ask_or_qa_batch_output(tmp_path_factory, monkeypatch, capsys, theses):
    """Theses full of generated values (each wrapped across a line end) go through build, ask and batch."""
    from qa import __main__ as cli
    from qa import engine as engine_module

    root = tmp_path_factory.mktemp("personal")
    corpus, index = root / "corpus", root / "index"
    corpus.mkdir()
    for n, values in enumerate(theses):
        text = " ".join(f"{prose(100, seed=100 * n + i)} Kontakt informanten på {value} i dag." for i, value in enumerate(values))
        (corpus / f"09{n}_kontakt.txt").write_text("Innledning\n\n" + wrapped(text, list(range(3, 4000, 7))))
    values = [v for vs in theses for v in vs]
    report = build_index(corpus, index, encoder=FakeEncoder(), progress=False)
    assert report.exit_code == 0 and report.theses == len(theses), report.summary()
    monkeypatch.setattr(engine_module, "Engine", functools.partial(engine_module.Engine, encoder=FakeEncoder()))
    for question in ("Hvordan kontakte informanten?", "Kontakt telefon e-post"):
        assert cli.main(["ask", question, "--index", str(index), "--k", "10"]) == 0
        assert cli.main(["ask", question, "--index", str(index), "--k", "10", "--json"]) == 0
    batch_in, batch_out = root / "q.jsonl", root / "a.jsonl"
    questions = ["Kontakt informanten", *values[:10]]  # asking for a value finds only its mask
    batch_in.write_text("".join(json.dumps({"id": i, "question": q}) + "\n" for i, q in enumerate(questions)))
    assert cli.main(["batch", str(batch_in), "--out", str(batch_out), "--index", str(index), "--k", "10"]) == 0
    answers = [json.loads(line) for line in batch_out.read_text().splitlines()]
    assert len(answers) == len(questions) and all("error" not in a for a in answers)
    printed = capsys.readouterr().out + "".join(json.dumps(a["passages"], ensure_ascii=False) + a["answer"]
                                                for a in answers)
    assert sum(printed.count(mask) for mask in MASKS) >= 10, "the masked passages are in the output"
    assert not survivors(printed, values)
