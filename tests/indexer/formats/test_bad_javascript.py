"""JavaScript and attachments in a PDF are never run or read: the text is indexed, with a note."""
from __future__ import annotations

import pypdf
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from bench.pdfgen import PageSpec, PdfSpec, write_pdf
from indexer.formats import read_source


def test_javascript_and_attachments_ignored(tmp_path):
    plain = write_pdf(PdfSpec([PageSpec(["Denne oppgaven handler om tilhørighet og rus."], "1")]), tmp_path / "p.pdf")
    writer = pypdf.PdfWriter(clone_from=plain)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('hei'); this.exportDataObject({cName: 'x.exe', nLaunch: 2});")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    writer.add_attachment("x.exe", b"MZ\x90\x00 not run")
    path = tmp_path / "active.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    source = read_source(path)
    assert "tilhørighet og rus" in source.text
    assert "MZ" not in source.text and "alert" not in source.text
    assert any("JavaScript ignored" in w for w in source.warnings)
    assert any("1 attached files ignored" in w for w in source.warnings)
