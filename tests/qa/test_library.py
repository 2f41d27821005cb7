"""Adding theses from the app (qa.library): uploads checked and saved under safe names inside the
corpus, then indexed by a background `python -m indexer build` while the old index answers."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from bench.pdfgen import PageSpec, PdfSpec, write_pdf
import qa.library
from qa.library import (
    MAX_FILE_BYTES, MAX_FILES, CatalogInvalid, Upload, UploadError, add_theses, current_job, safe_name, save_uploads,
)
from tests.conftest import copy_corpus, writable_copy

SAFE = re.compile(r"opplastet-[a-z0-9æøå-]+\.pdf")
# Sentences no corpus thesis holds, so a search for one can only find the uploaded thesis.
FRONT = ["Sammendrag",
         "Denne avhandlingen undersøker hvordan birøktere på Vestlandet deler kunnskap om villbier.",
         "Studien bygger på intervjuer med tolv birøktere og feltarbeid i tre bigårder."]
BODY = ["1 Innledning",
        "Birøkterne i Hardanger forteller at lyngblomstringen i august avgjør hele honningsesongen.",
        "Mange av dem har lært faget av naboer og ikke gjennom formelle kurs eller bøker."]
LATER = ["Varroamidden er den største trusselen mot biene, ifølge nesten alle informantene.",
         "Flere av dem behandler kubene med maursyre hver høst etter at honningen er slynget."]


def small_thesis_pdf(path: Path) -> Path:
    """A three-page thesis PDF: one roman-numbered front page, two body pages numbered 1 and 2."""
    pages = [PageSpec(FRONT, "i"), PageSpec(BODY, "1"), PageSpec(LATER, "2")]
    return write_pdf(PdfSpec(pages, outline=[], front_pages=1, header="Birøkt på Vestlandet"), path)


@pytest.mark.parametrize("original", [
    "../../etc/passwd.pdf", "/tmp/x/../y.pdf", "C:\\Users\\kari\\Min Oppgave.PDF", "..pdf", ".pdf", "",
    "Sjo\u0308lyst avhandling.pdf", "rød\x1b[31m\u202egnp.pdf", "a" * 500 + ".pdf", "oppgave.pdf.exe",
    "CON.pdf", "oppgave\x00.pdf",
])
def test_safe_name_is_a_plain_pdf_name(original):
    name = safe_name(original, set())
    assert SAFE.fullmatch(name), name
    assert len(name) <= 80


def test_safe_name_keeps_letters_and_avoids_taken_names():
    assert safe_name("Sja\u030alyst – Oppgave 2024.pdf", set()) == "opplastet-sjålyst-oppgave-2024.pdf"
    taken = {"opplastet-oppgave.pdf", "opplastet-oppgave-2.pdf"}
    assert safe_name("oppgave.pdf", taken) == "opplastet-oppgave-3.pdf"


def _tree(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*")}


def test_uploads_are_checked_and_saved_inside_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    good = small_thesis_pdf(tmp_path / "src.pdf").read_bytes()
    (corpus / "000_old.txt").write_text("Et gammelt korpus.\n", encoding="utf-8")
    checked = save_uploads([
        Upload("../../utenfor.pdf", good), Upload("kopi.pdf", good), Upload("tom.pdf", b""),
        Upload("falsk.pdf", b"<html>404</html>"), Upload("notat.txt", b"%PDF-1.4"),
        Upload("gammel.pdf", (corpus / "000_old.txt").read_bytes()),
    ], corpus)
    outcome = {c.original: c.saved or c.problem for c in checked}
    assert outcome["../../utenfor.pdf"] == "opplastet-utenfor.pdf"
    assert outcome["kopi.pdf"] == "already in the corpus as opplastet-utenfor.pdf"
    assert outcome["tom.pdf"] == "the file is empty"
    assert outcome["falsk.pdf"] == "not a PDF file (no PDF header)"
    assert outcome["notat.txt"] == "not a .pdf file"
    assert outcome["gammel.pdf"] == "not a PDF file (no PDF header)"
    assert (corpus / "opplastet-utenfor.pdf").read_bytes() == good
    assert _tree(tmp_path) == {Path("src.pdf"), Path("corpus"), Path("corpus/000_old.txt"),
                               Path("corpus/opplastet-utenfor.pdf")}


def test_size_and_count_limits(tmp_path):
    with pytest.raises(UploadError, match=f"at most {MAX_FILES}"):
        save_uploads([Upload(f"{i}.pdf", b"%PDF-1.4") for i in range(MAX_FILES + 1)], tmp_path)
    (checked,) = save_uploads([Upload("stor.pdf", b"%PDF-1.4\n" + b"0" * MAX_FILE_BYTES)], tmp_path)
    assert checked.problem.startswith("too large (50.0 MB; at most 50 MB)")
    assert list(tmp_path.iterdir()) == []


def _wait(job, seconds: float = 600) -> list[float]:
    """Wait for `job`; the progress fractions seen meanwhile."""
    seen, deadline = [], time.monotonic() + seconds
    while not job.done and time.monotonic() < deadline:
        seen.append(job.fraction)
        time.sleep(0.2)
    assert job.done, f"the build did not finish in {seconds} s: {job.log}"
    return seen


def test_added_pdf_is_indexed_in_the_background_and_found(corpus_copy, built_index, encoder, tmp_path):
    import qa

    corpus, index = writable_copy(corpus_copy, built_index, tmp_path)
    old = qa.load(index, encoder=encoder)
    pdf = small_thesis_pdf(tmp_path / "Birøkt på Vestlandet.pdf").read_bytes()
    broken = pdf[: len(pdf) // 2]
    checked, job = add_theses([Upload("Birøkt på Vestlandet.pdf", pdf), Upload("halv.pdf", broken)], corpus, index)
    assert [c.saved for c in checked] == ["opplastet-birøkt-på-vestlandet.pdf", "opplastet-halv.pdf"]
    assert current_job(index) is job
    with pytest.raises(UploadError, match="being indexed already"):
        add_theses([Upload("mer.pdf", pdf)], corpus, index)
    during = qa.ask("Hva er sosial støtte?", index_dir=index)  # the old index answers meanwhile
    assert during.sources and qa.load(index) is old
    seen = _wait(job)
    assert job.returncode == 0, job.output + "\n".join(job.log)
    assert any(0 < f < 1 for f in seen) and job.fraction == 1.0
    assert job.indexed == ["opplastet-birøkt-på-vestlandet.pdf"]
    assert "truncated" in job.failed["opplastet-halv.pdf"]
    assert not (corpus / "opplastet-halv.pdf").exists()
    assert "Indexed 6 theses (1 re-embedded, 5 unchanged, 0 removed)" in job.output
    new = qa.load(index, encoder=encoder)  # the new snapshot is live: loaded anew
    assert new is not old and "opplastet-birøkt-på-vestlandet.pdf" in new.docs
    top = qa.ask(BODY[1], index_dir=index).sources[0]
    assert top.hit.doc == "opplastet-birøkt-på-vestlandet.pdf" and top.quote.text == BODY[1]
    assert top.page_label == "1" and top.citation["apa"].endswith("s. 1)")
    front = qa.ask(FRONT[1], index_dir=index).sources[0]
    assert front.quote.text == FRONT[1] and front.page_label == "i"
    later = qa.ask(LATER[0], index_dir=index).sources[0]
    assert later.quote.text == LATER[0] and later.page_label == "2"


def broken_catalog_corpus(folder: Path) -> tuple[Path, int]:
    """A copy of the real corpus in `folder/corpus` whose catalog gives one year as a string
    (`year = "2021"`, which every build refuses), and the line of that year."""
    corpus = copy_corpus(folder / "corpus")
    lines = (corpus / "catalog.toml").read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if re.fullmatch(r"year = \d{4}", line.strip()))
    lines[at] = 'year = "2021"'
    (corpus / "catalog.toml").write_text("\n".join(lines), encoding="utf-8")
    return corpus, at + 1


def test_a_broken_catalog_refuses_the_upload_before_anything_is_saved(tmp_path):
    corpus, line = broken_catalog_corpus(tmp_path)
    before = _tree(corpus)
    pdf = small_thesis_pdf(tmp_path / "src.pdf").read_bytes()
    with pytest.raises(CatalogInvalid) as refused:
        add_theses([Upload("Birøkt på Vestlandet.pdf", pdf)], corpus, tmp_path / "index")
    assert str(refused.value).startswith(f"the catalog corpus/catalog.toml has an error at line {line}: ")
    assert "year must be a year like 2019" in str(refused.value) and str(tmp_path) not in str(refused.value)
    assert _tree(corpus) == before and current_job(tmp_path / "index") is None


def test_a_build_failing_as_a_whole_keeps_the_added_file(tmp_path, monkeypatch):
    """The catalog broken after the upload was checked (or the check unable to run): the build fails
    on the catalog, names no file, and the user's file stays in the corpus for the next build."""
    corpus, line = broken_catalog_corpus(tmp_path)
    monkeypatch.setattr(qa.library, "catalog_problem", lambda corpus_dir: "", raising=False)
    pdf = small_thesis_pdf(tmp_path / "src.pdf").read_bytes()
    checked, job = add_theses([Upload("Birøkt på Vestlandet.pdf", pdf)], corpus, tmp_path / "index")
    saved = checked[0].saved
    _wait(job, 120)
    assert job.returncode != 0 and not job.indexed and not job.failed
    assert job.kept == [saved] and (corpus / saved).read_bytes() == pdf
    assert job.error.startswith(f"the catalog corpus/catalog.toml has an error at line {line}: "), job.error
    assert str(tmp_path) not in job.error
    assert current_job(tmp_path / "index") is None  # finished: forgotten, its outcome is the caller's
