"""Why an upload was refused or not indexed (ui.reasons): in the interface language, the file named once."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bench.pdfgen import PageSpec, PdfSpec, write_pdf
from qa.library import build_reason
from tests.conftest import excerpt
from ui.reasons import reason_text

NAME = "opplastet-kryptert.pdf"


@pytest.mark.parametrize("reason, norwegian, english", [
    ("not a PDF file (no PDF header)", "ikke en PDF-fil", "not a PDF file"),  # qa.library's check
    ("already in the corpus as 007_scan.pdf", "finnes allerede i korpuset som 007_scan.pdf",
     "already in the corpus as 007_scan.pdf"),
    ("too large (61.2 MB; at most 50 MB)", "for stor (61,2 MB; høyst 50 MB)", "too large (61.2 MB; at most 50 MB)"),
    ("11 files at once; at most 10", "11 filer på én gang; høyst 10", "11 files at once; at most 10"),
    ("theses are being indexed already; add more when that is done",
     "Oppgaver indekseres allerede. Legg til flere når det er ferdig.",
     "Theses are being indexed already. Add more when that is done."),
])
def test_an_upload_refusal_is_told_in_the_interface_language(reason, norwegian, english):
    assert reason_text(reason, "nb") == norwegian and reason_text(reason, "en") == english


@pytest.mark.parametrize("reason, norwegian", [
    (f"{NAME}: the PDF is encrypted with a password; save an unprotected copy to index it",
     "PDF-en er låst med passord. Lagre en kopi uten passord for å indeksere den."),
    (f"{NAME}: not a PDF file (no %PDF- header); rename it if it is another format", "ikke en PDF-fil"),
    (f"{NAME}: the PDF has 2400 pages (at most 2000); check that it is one thesis",
     "PDF-en har 2400 sider (høyst 2000). Sjekk at den er én oppgave."),
    (f"{NAME}: the PDF needs more than 1024 MB of memory (a PDF bomb?); skipped",
     "PDF-en trenger mer enn 1024 MB minne (en PDF-bombe?)"),
    (f"{NAME}: same content as 007_scan.pdf; indexed once, as 007_scan.pdf",
     "samme tekst som 007_scan.pdf, som allerede er indeksert"),
])
def test_a_build_failure_drops_the_file_name_the_interface_shows_itself(reason, norwegian):
    assert reason_text(reason, "nb", NAME) == norwegian
    assert NAME not in reason_text(reason, "en", NAME)


def test_an_unknown_reason_is_shown_in_english_after_a_lead_in():
    reason = "error: the store is locked by another build"
    assert reason_text(reason, "nb") == f"begrunnelse på engelsk: {reason}"
    assert reason_text(reason, "en") == reason
    assert reason_text(f"{NAME}: something new", "nb", NAME) == "begrunnelse på engelsk: something new"


SENTENCE = "Denne oppgaven handler om rus, recovery og sosiale nettverk i en norsk by."
THESIS = "000_56c92893e0805444.txt"


def _bad_pdfs(folder: Path) -> dict[str, bytes]:
    """Uploads each build refusal a PDF can meet, as real files (name -> bytes)."""
    from reportlab.pdfgen import canvas

    def pdf(pages: list[list[str]], name: str, **options) -> bytes:
        spec = PdfSpec([PageSpec(lines, str(n)) for n, lines in enumerate(pages, 1)])
        return write_pdf(spec, folder / name, **options).read_bytes()

    image, scan = folder / "side.png", folder / "skannet.pdf"
    Image.new("L", (200, 280), 255).save(image)
    canv = canvas.Canvas(str(scan))
    canv.drawImage(str(image), 50, 50, 400, 560)
    canv.showPage()
    canv.save()
    lines = [line.strip() for line in excerpt(THESIS, [(1, 90)]).decode("utf-8").splitlines() if line.strip()]
    good = pdf([lines[at:at + 30] for at in range(0, len(lines), 30)], "god.pdf")
    return {
        "avkuttet.pdf": good[: len(good) // 2],
        "ikke-pdf.pdf": b"Dette er en tekstfil med feil navn.\n",
        "skannet.pdf": scan.read_bytes(),
        "laast.pdf": pdf([[SENTENCE]], "laast.pdf", encrypt="hemmelig"),
        "tall.pdf": pdf([["12 345 678 910 / 11 - 12 % 13,14 (15) 16; 17 18"] * 30] * 3, "tall.pdf"),
        "gjentatt.pdf": pdf([["rus og hjelp " * 12] * 30] * 3, "gjentatt.pdf"),
        "kopi.pdf": good,
        "bare-overskrifter.pdf": pdf([["1 Innledning"], ["2 Metode"], ["3 Funn og drøfting"]], "bare-overskrifter.pdf"),
    }


@pytest.fixture(scope="module")
def build_output(tmp_path_factory, encoder) -> tuple[str, list[str]]:
    """What `indexer build` prints over a corpus of one good PDF and every kind of bad one."""
    from indexer.build import build_index

    corpus, scratch = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("made")
    bad = _bad_pdfs(scratch)
    (corpus / "god.pdf").write_bytes((scratch / "god.pdf").read_bytes())
    for name, data in bad.items():
        (corpus / name).write_bytes(data)
    report = build_index(corpus, tmp_path_factory.mktemp("index"), encoder=encoder, progress=False)
    return report.summary(), sorted(bad)


def test_every_build_refusal_of_a_pdf_is_told_in_the_interface_language(build_output):
    output, names = build_output
    assert output.startswith("Indexed 1 thesis"), output  # god.pdf, and none of the bad ones
    for name in names:
        reason = build_reason(output, name)
        assert reason, f"the build said nothing about {name}:\n{output}"
        norwegian, english = reason_text(reason, "nb", name), reason_text(reason, "en", name)
        assert not norwegian.startswith("begrunnelse på engelsk"), (name, reason, output)
        assert name not in norwegian and name not in english, (name, norwegian, english)
