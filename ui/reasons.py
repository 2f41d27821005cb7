"""Why an upload was refused or a thesis not indexed, in the interface language.

`qa.library` gives these reasons as English text: its own checks of an upload, and for a file
the background build skipped, the build's line about it ("NAME: the PDF is encrypted …", from
the indexer's `ThesisReadError`). The build runs in a child process, so no error object reaches
the app: the known wordings are matched here and told with a text of `ui.strings`; any other
reason is shown in English after a lead-in saying so. `tests/ui/test_reasons.py` builds a real
index over every kind of PDF the build refuses, so a wording changed in the indexer fails there.
"""
from __future__ import annotations

import re

from ui.strings import t

_DECIMAL = re.compile(r"\d+\.\d+")  # a decimal number as qa.library writes it ("52.0")
# (the English reason, the `ui.strings` key telling it); named groups fill the text's placeholders.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), key) for pattern, key in (
    # qa.library: an upload checked before it is saved
    (r"not a \.pdf file", "why_not_pdf_name"),
    (r"the file is empty", "why_empty"),
    (r"too large \((?P<size>[\d.]+) MB; at most (?P<limit>\d+) MB\)", "why_too_large"),
    (r"not a PDF file \(no (?:%)?PDF-? header\).*", "why_not_pdf"),
    (r"already in the corpus as (?P<other>.+)", "why_known"),
    # qa.library: the upload as a whole
    (r"(?P<count>\d+) files at once; at most (?P<limit>\d+)", "why_too_many"),
    (r"no corpus folder (?P<folder>.+)", "why_no_corpus"),
    (r"theses are being indexed already.*", "why_busy"),
    # qa.library: the catalog that fails every build (checked before an upload is saved, or after a build failed)
    (r"the catalog (?P<file>.+?) has an error at line (?P<line>\d+): (?P<detail>.+)", "why_catalog_line"),
    (r"the catalog (?P<file>.+?) has an error: (?P<detail>.+)", "why_catalog"),
    (r"the build stopped with exit code (?P<code>-?\d+)", "why_build_stopped"),
    # the build (indexer.formats.pdf, indexer.reader, indexer.build), then qa.library's fallbacks
    (r"the PDF is truncated .*", "why_truncated"),
    (r"the PDF has no text layer .*", "why_no_text_layer"),
    (r"the file holds no text", "why_no_text"),
    (r"reading the PDF took over (?P<seconds>\d+) s .*", "why_too_slow"),
    (r"the PDF needs more than (?P<mb>\d+) MB of memory .*", "why_memory"),
    (r"the PDF could not be read \(damaged\).*", "why_damaged"),
    (r"the PDF is damaged and cannot be opened.*", "why_damaged"),
    (r"the PDF is encrypted with a password.*", "why_encrypted"),
    (r"the PDF has (?P<pages>\d+) pages \(at most (?P<limit>\d+)\).*", "why_too_many_pages"),
    (r"same content as (?P<other>[^;]+);.*", "why_same_text"),
    # the parse of the text read (indexer.thesis, indexer.junk)
    (r"no running text found \(only headings or page numbers\)", "why_no_running_text"),
    (r"parsing took longer than (?P<seconds>\d+) s .*", "why_parse_slow"),
    (r"only (?P<share>\d+) % of its characters are letters .*", "why_few_letters"),
    (r"(?P<words>[\d ]+) words but only (?P<distinct>\d+) different ones;.*", "why_few_words"),
    (r"(?P<pages>[\d ]+) pages with (?P<chars>\d+) characters each on average;.*", "why_thin_pages"),
    (r"the build did not index it", "why_not_indexed"),
))


def reason_text(reason: str, lang: str, name: str = "") -> str:
    """`reason` (English, from `qa.library`) in interface language `lang`; a leading "`name`: "
    (the build names the file it skipped) is dropped, as the interface names the file itself."""
    reason = " ".join(reason.split())
    if name and reason.startswith(f"{name}: "):
        reason = reason[len(name) + 2:]
    for pattern, key in _REASONS:
        match = pattern.fullmatch(reason)
        if match:
            return t(lang, key, **{group: _number(value, lang) for group, value in match.groupdict().items()})
    return t(lang, "why_untranslated", reason=reason)


def _number(value: str, lang: str) -> str:
    """`value` as `lang` writes it: a decimal number with a comma in Norwegian ("52,0")."""
    return value.replace(".", ",") if lang == "nb" and _DECIMAL.fullmatch(value) else value
