"""indexer.bibliography and `indexer catalog --suggest`: fields derived from the thesis text."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from indexer.__main__ import main
from indexer.bibliography import derive, display_title, find_degree, find_topic, missing_from
from indexer.catalog import Suggestion, ThesisMeta, format_suggestions, load_catalog
from indexer.reader import read_thesis
from indexer.thesis import parse_structure

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

# What each thesis of the corpus states as its research question (read off the texts) and the
# degree its text names; the catalog's `evidence` notes agree.
TOPICS = {
    "000": "Hvordan kan man forstå rusens sosiale funksjon for mennesker med en rusavhengighet?",
    "001": "Hvilke faktorer som informantene mener har vært viktige i prosessen fra et rusavhengig liv "
           "til et rusfritt liv",
    "002": "Hvilken betydning har sosialt nettverk for en rusavhengig sin recoveryprosess?",
    "003": "Hvilke mål har mennesker med omfattende rusmiddelmisbruk for fremtiden, og Hvorfor når de ikke "
           "disse målene?",
    "004": "Hvilke innhold burde ettervernstiltak ha for at unge rusmiddelavhengige skal forbli rusfri etter "
           "døgnbasert rusbehandling?",
}
DEGREES = {"000": "Sosialt arbeid", "001": None, "002": "Sosialt arbeid", "003": "Master i rehabilitering",
           "004": "Bachelor"}


@pytest.fixture(scope="module")
def corpus() -> dict[str, object]:
    out = {}
    for path in sorted(CORPUS.glob("*.txt")):
        text, _, _ = read_thesis(path)
        out[path.name[:3]] = parse_structure(path.name, text)
    return out


def _thesis(body: str):
    return parse_structure("x.txt", body)


# --- the real corpus ------------------------------------------------------------------------------

def test_topics_of_the_corpus(corpus):
    assert set(corpus) == set(TOPICS)
    for tag, thesis in corpus.items():
        question, start, end = find_topic(thesis)
        assert question == TOPICS[tag], tag
        # stated in the text, word for word (an indirect one capitalised), inside the evidence span
        assert question.rstrip("?").lower() in " ".join(thesis.text[start:end].split()).lower(), tag


def test_degrees_of_the_corpus(corpus):
    for tag, thesis in corpus.items():
        found = find_degree(thesis)
        assert (found[0] if found else None) == DEGREES[tag], tag


def test_suggestions_carry_evidence_and_never_the_file_name(corpus):
    for tag, thesis in corpus.items():
        suggestions = derive(thesis)
        by_field = {s.field: s for s in suggestions}
        assert {"topic", "title"} <= set(by_field), tag
        assert all(s.source == "text" for s in suggestions)
        topic = by_field["topic"]
        start = find_topic(thesis)[1]
        where = f"s. {thesis.page_at(start).printed}, {thesis.section_at(start).label}: «"
        assert topic.evidence.startswith(where), (tag, topic.evidence)
        assert by_field["title"].evidence == f"the research question ({where[:-3]}), shortened to a display title"
        assert len(by_field["title"].value) <= 92
        for s in suggestions:
            assert thesis.doc.removesuffix(".txt") not in s.value + s.evidence
            assert thesis.doc[4:] not in s.value + s.evidence


def test_topic_evidence_names_the_section_and_quotes_the_question(corpus):
    topic = {s.field: s for s in derive(corpus["004"])}["topic"]
    assert topic.evidence == (
        "s. 7, 1.3 Problemstilling: «Problemstillingen jeg skal svare på er: Hvilke innhold burde "
        "ettervernstiltak ha for at unge rusmiddelavhengige skal forbli rusfri etter døgnbasert rusbehandling?»")


def test_missing_from_keeps_what_the_catalog_lacks(corpus):
    catalog = load_catalog(CORPUS / "catalog.toml")
    doc = corpus["003"].doc
    fields = missing_from(derive(corpus["003"]), catalog[doc])
    assert set(fields) == {"title", "topic"}  # the catalog states the degree
    filled = ThesisMeta(title="Stated", degree="Master", topic="Stated topic")
    assert missing_from(derive(corpus["003"]), filled) == {}


# --- forms and false friends ----------------------------------------------------------------------

def test_question_after_a_colon_and_titled_section_first():
    thesis = _thesis(
        "1.0 Innledning\n\nJeg fikk tidlig en idé til problemstilling om dette feltet.\n\n"
        "1.1 Problemstilling\n\nProblemstillingen i denne oppgaven er: Hva betyr arbeid for "
        "rusavhengige i behandling? Jeg avgrenser den.\n")
    question, start, end = find_topic(thesis)
    assert question == "Hva betyr arbeid for rusavhengige i behandling?"
    assert thesis.section_at(start).title == "Problemstilling"


def test_question_in_the_next_paragraph():
    thesis = _thesis("1.0 Innledning\n\nMine to problemstillinger er følgende:\n\n"
                     "Hvilke mål har de for fremtiden, og hvorfor når de dem ikke?\n\nVidere tekst her.\n")
    assert find_topic(thesis)[0] == "Hvilke mål har de for fremtiden, og hvorfor når de dem ikke?"


def test_indirect_question_when_no_direct_one():
    thesis = _thesis("1.0 Innledning\n\nVår problemstilling har vært å belyse hvordan informantene "
                     "opplever veien ut av rusen. Dette er viktig.\n")
    assert find_topic(thesis)[0] == "Hvordan informantene opplever veien ut av rusen"


def test_no_research_question_and_appendix_ignored():
    thesis = _thesis("1.0 Innledning\n\nDette er en tekst uten noe slikt spørsmål i det hele tatt.\n\n"
                     "Vedlegg 1 Skjema\n\nProblemstillingen er: Hvorfor står dette i et vedlegg her?\n")
    assert find_topic(thesis) is None
    assert [s.field for s in derive(thesis)] == []


def test_degree_false_friends():
    thesis = _thesis("1.0 Innledning\n\nTopor skrev en doktoravhandling om bedring. Rusen blir en "
                     "masterstatus for mange. Det var en bacheloroppgave fra et annet sted.\n")
    assert find_degree(thesis) is None
    thesis = _thesis("1.0 Innledning\n\nSom masterstudent ved master i folkehelse skrev jeg denne "
                     "masteroppgaven om rus.\n")
    assert find_degree(thesis)[0] == "Master i folkehelse"


def test_degree_level_from_a_degree_named_with_its_field():
    """A title page's "Masteroppgave i sosiologi" states the level too, when the text never says
    "denne masteroppgaven" (was "Sosiologi": cited as an unpublished thesis)."""
    thesis = _thesis("Kari Nordmann\nMasteroppgave i sosiologi\nUniversitetet i Bergen\nVår 2021\n\n"
                     "1.0 Innledning\n\nOppgaven handler om arbeid og tilhørighet blant unge voksne.\n")
    value, spans = find_degree(thesis)
    assert value == "Master i sosiologi" and len(spans) == 1
    assert thesis.text[spans[0][0]:spans[0][1]].lower() == "masteroppgave i sosiologi"


def test_display_title():
    assert display_title("Kort spørsmål om rus?") == "Kort spørsmål om rus?"
    long = ("Hvilke mål har mennesker med omfattende rusmiddelmisbruk for fremtiden, og Hvorfor når "
            "de ikke disse målene?")
    assert display_title(long) == "Hvilke mål har mennesker med omfattende rusmiddelmisbruk for fremtiden …"
    cut = display_title("Hvilke innhold burde ettervernstiltak ha for at unge rusmiddelavhengige skal "
                        "forbli rusfri etter døgnbasert rusbehandling?")
    assert cut == "Hvilke innhold burde ettervernstiltak ha for at unge rusmiddelavhengige skal forbli rusfri …"
    assert display_title("en to tre fire fem seks sju og åtte", limit=30) == "en to tre fire fem seks sju …"


# --- catalog suggestions ---------------------------------------------------------------------------

def test_format_suggestions_is_toml():
    text = format_suggestions("007_x.txt", [
        Suggestion("topic", 'Hva er "gatekapital"?\x07', "s. 3, 1.2: «Hva er\n\"gatekapital\"?»", "text"),
        Suggestion("year", "2019", "PDF CreationDate 2019-05-02", "pdf-metadata"),
        Suggestion("authors", "Nordmann, Kari; Hansen, Per", "Author", "file")])
    # in the types the catalog holds: a year is a number, authors a list
    assert tomllib.loads(text) == {"007_x.txt": {"topic": 'Hva er "gatekapital"?', "year": 2019,
                                                 "authors": ["Nordmann, Kari", "Hansen, Per"]}}
    assert "# year (pdf-metadata): PDF CreationDate 2019-05-02\nyear = 2019\n" in text
    assert "year" not in format_suggestions("x.txt", [Suggestion("year", "våren", "-", "file")])


def test_catalog_accepts_a_topic(tmp_path):
    (tmp_path / "catalog.toml").write_text('["a.txt"]\ntopic = " Hva? "\n', encoding="utf-8")
    assert load_catalog(tmp_path / "catalog.toml")["a.txt"].topic == "Hva?"


def test_suggest_command_on_the_corpus(capsys):
    assert main(["catalog", "--suggest", "--corpus", str(CORPUS)]) == 0
    out = capsys.readouterr().out
    suggested = tomllib.loads(out)
    catalog = load_catalog(CORPUS / "catalog.toml")
    assert set(suggested) == set(catalog)
    for doc, fields in suggested.items():
        assert fields["topic"] == TOPICS[doc[:3]]
        assert all(not getattr(catalog[doc], name) for name in fields), doc  # never over a stated value
    assert "degree" not in suggested["003_5d318866ea7f4178.txt"]
    assert "# topic (text): s. 3, 1.2 Problemstilling og avgrensing: «Problemstillingen" in out


def test_suggest_command_skips_bad_files_and_links(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    outside = tmp_path / "outside.txt"
    outside.write_text("1.0 Innledning\n\nProblemstillingen er: Hva står utenfor korpuset her?\n", encoding="utf-8")
    (corpus / "link.txt").symlink_to(outside)
    assert main(["catalog", "--suggest", "--corpus", str(corpus)]) == 1  # nothing could be read
    captured = capsys.readouterr()
    assert "empty.txt: the file is empty" in captured.err
    assert "link.txt: a link out of" in captured.err and "utenfor" not in captured.out
    assert main(["catalog", "--suggest", "--corpus", str(tmp_path / "none")]) == 2
    assert "No corpus folder" in capsys.readouterr().err


def test_suggest_command_reads_a_pdf_and_what_it_states_about_itself(tmp_path, capsys):
    """A PDF's document information and title page come first; its research question is still read."""
    from bench.pdfgen import PageSpec, PdfSpec, write_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    title_page = PageSpec(["Fjordfiske og kystkultur i Nordland", "Av: Kari Nordmann", "Bacheloroppgave i sosialt arbeid",
                           "Nord universitet, våren 2021"], "")
    body = PageSpec(["1 Innledning", "Problemstillingen er: Hvordan påvirker kvotesystemet rekrutteringen av unge "
                     "fiskere i Lofoten?", "Denne oppgaven bygger på intervjuer med seks fiskere og to rektorer."], "1")
    write_pdf(PdfSpec([title_page, body], title="Fjordfiske og kystkultur i Nordland", author="Kari Nordmann"),
              corpus / "010_fiske.PDF")
    assert main(["catalog", "--suggest", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    fields = tomllib.loads(out)["010_fiske.PDF"]
    assert fields["title"] == "Fjordfiske og kystkultur i Nordland" and fields["authors"] == ["Nordmann, Kari"]
    assert fields["year"] == 2021 and fields["topic"].startswith("Hvordan påvirker kvotesystemet")
    assert fields["degree"] == "Bacheloroppgave i sosialt arbeid"  # the title page's, with its level
    assert "# degree (file): title page, line 3: 'Bacheloroppgave i sosialt arbeid'" in out
    assert "# title (file): the PDF's document information (Title)" in out


def test_suggest_command_names_pages_as_printed(tmp_path, capsys):
    """Evidence in the front matter is on the page printed "ii", not physical page 2."""
    from bench.pdfgen import PageSpec, PdfSpec, write_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pages = [PageSpec(["Arbeid og tilhørighet blant unge voksne", "Kari Nordmann", "Universitetet i Bergen", "Vår 2021"]),
             PageSpec(["Sammendrag", "Denne masteroppgaven handler om arbeid og tilhørighet blant unge voksne."], "ii"),
             PageSpec(["1 Innledning", "Problemstillingen er: Hvordan opplever unge voksne tilhørighet på sin første "
                       "arbeidsplass?", "Jeg skriver ved masterstudiet i sosiologi i Bergen."], "1")]
    write_pdf(PdfSpec(pages, front_pages=2, header="Arbeid og tilhørighet", author="Kari Nordmann"), corpus / "t.pdf")
    assert main(["catalog", "--suggest", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert tomllib.loads(out)["t.pdf"]["degree"] == "Master i sosiologi"
    assert "# degree (text): s. ii, Sammendrag: «Denne masteroppgaven" in out
    assert "# topic (text): s. 1, 1 Innledning: «Problemstillingen" in out
    assert "s. 2" not in out
