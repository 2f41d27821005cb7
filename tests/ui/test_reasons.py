"""Why an upload was refused or not indexed (ui.reasons): in the interface language, the file named once."""
from __future__ import annotations

import pytest

from ui.reasons import reason_text

NAME = "opplastet-kryptert.pdf"


@pytest.mark.parametrize("reason, norwegian, english", [
    ("not a PDF file (no PDF header)", "ikke en PDF-fil", "not a PDF file"),  # qa.library's check
    ("already in the corpus as 007_scan.pdf", "finnes allerede i korpuset som 007_scan.pdf",
     "already in the corpus as 007_scan.pdf"),
    ("too large (61.2 MB; at most 50 MB)", "for stor (61.2 MB; høyst 50 MB)", "too large (61.2 MB; at most 50 MB)"),
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
