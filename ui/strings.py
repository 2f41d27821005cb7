"""Every text the interface shows, in Norwegian bokmål ("nb", the default) and English ("en").

Look a text up with `t(lang, key, **values)`; `values` fill `{placeholders}`. Texts are plain
text unless their key ends in `_md` (Markdown written here, never mixed with corpus text).
"""
from __future__ import annotations

LANGUAGES: dict[str, str] = {"nb": "Norsk (bokmål)", "en": "English"}
DEFAULT_LANGUAGE = "nb"

STRINGS: dict[str, dict[str, str]] = {
    # page
    "page_title": {"nb": "Tesesøk", "en": "Tesesøk"},
    "tagline": {
        "nb": "Still spørsmål til norske studentoppgaver og få svar satt sammen av ordrette sitater "
              "med kilde, seksjon og side.",
        "en": "Ask questions about Norwegian student theses and get answers made of verbatim quotes "
              "with source, section and page.",
    },
    "interface_language": {"nb": "Språk / Language", "en": "Språk / Language"},
    "tab_ask": {"nb": "Spør", "en": "Ask"},  # no icons in tab labels: their names were read out
    "tab_corpus": {"nb": "Korpus", "en": "Corpus"},
    "footer": {
        "nb": "Svarene er ordrette setninger fra oppgavene, valgt automatisk. Les alltid teksten rundt "
              "før du siterer.",
        "en": "Answers are verbatim sentences from the theses, chosen automatically. Always read the "
              "surrounding text before you quote.",
    },
    # loading and errors
    "loading": {
        "nb": "Laster språkmodellen og indeksen … (første gang tar det rundt et halvt minutt)",
        "en": "Loading the language model and the index … (the first time takes about half a minute)",
    },
    "no_index_title": {"nb": "Ingen indeks ennå", "en": "No index yet"},
    "no_index_md": {
        "nb": "Tesesøk fant ingen indeks i mappa vist nedenfor. Bygg den fra prosjektmappa med én av "
              "kommandoene under, og last siden på nytt når den er ferdig (det tar noen minutter).",
        "en": "Tesesøk found no index in the folder shown below. Build it from the project folder "
              "with one of the commands below, then reload this page when it is done (it takes a few "
              "minutes).",
    },
    "no_index_folder": {"nb": "Indeksmappe", "en": "Index folder"},
    "no_index_make": {"nb": "Bygger indeksen i `index/` og starter appen:",
                      "en": "Builds the index in `index/` and starts the app:"},
    "no_index_build": {"nb": "Bygger bare indeksen:", "en": "Builds the index only:"},
    "index_error": {"nb": "Indeksen kunne ikke lastes.", "en": "The index could not be loaded."},
    "empty_question": {"nb": "Skriv et spørsmål først.", "en": "Type a question first."},
    "query_error": {"nb": "Spørsmålet kunne ikke besvares.", "en": "The question could not be answered."},
    # asking
    "question_label": {"nb": "Spørsmål", "en": "Question"},
    "question_placeholder": {
        "nb": "Skriv et spørsmål på norsk eller engelsk og trykk Enter",
        "en": "Type a question in Norwegian or English and press Enter",
    },
    "ask_button": {"nb": "Søk", "en": "Search"},
    "examples_label": {"nb": "Eller prøv et eksempel:", "en": "Or try an example:"},
    "searching": {"nb": "Søker i oppgavene …", "en": "Searching the theses …"},
    "welcome": {
        "nb": "Skriv et spørsmål over. Svaret settes sammen av opptil tre setninger fra oppgavene, hver "
              "med et kildenummer [n]. Under svaret ser du kildene med seksjon, side, teksten rundt og "
              "en ferdig referanse du kan kopiere.",
        "en": "Type a question above. The answer is made of up to three sentences from the theses, each "
              "with a source number [n]. Below the answer you see the sources with section, page, the "
              "surrounding text and a ready-made citation to copy.",
    },
    "asked": {"nb": "Spørsmål", "en": "Question"},
    "answer_heading": {"nb": "Svar", "en": "Answer"},
    "abstained": {"nb": "Fant ikke noe svar i korpuset.", "en": "No answer found in the corpus."},
    "abstained_hint_no_figure": {
        "nb": "Spørsmålet spør etter et tall (et antall, en andel, et beløp, en varighet eller en dose), "
              "men ingen av de nærmeste passasjene oppgir et slikt tall. De vises likevel nedenfor.",
        "en": "The question asks for a figure (a number, a share, a sum, a duration or a dose), but none of the "
              "nearest passages states one of that kind. They are still listed below.",
    },
    "abstained_hint_no_terms": {
        "nb": "Spørsmålet har ingen søkeord, bare småord eller tall. Skriv med egne ord hva du vil vite.",
        "en": "The question has no search words, only function words or numbers. Say in your own words what you "
              "want to know.",
    },
    "abstained_hint": {
        "nb": "Ingen setning svarte godt nok på spørsmålet. De nærmeste passasjene vises likevel nedenfor.",
        "en": "No sentence answered the question well enough. The nearest passages are still listed below.",
    },
    "high_confidence": {
        "nb": "Godt belegg: kildene ligger tett opp til spørsmålet og bruker ordene i det. Les likevel sitatene i sammenheng.",
        "en": "Well supported: the sources are close to the question and use its words. Still read the quotes in context.",
    },
    "low_confidence": {
        "nb": "Usikkert svar: kildene svarer kanskje ikke på akkurat dette spørsmålet. Sjekk sitatene mot spørsmålet.",
        "en": "Uncertain answer: the sources may not answer exactly this question. Check the quotes against it.",
    },
    "low_reason_few_terms": {"nb": "Svaret inneholder få av spørsmålets ord.", "en": "The answer holds few of the question's words."},
    "unknown_words": {"nb": "Oppgavene bruker aldri disse ordene fra spørsmålet: {words}.",
                      "en": "The theses never use these words of the question: {words}."},
    "low_reason_uncalibrated": {"nb": "Ingen terskel er kalibrert for denne modellen.", "en": "No threshold is calibrated for this model."},
    "no_passages": {
        "nb": "Ingen passasjer passer filtrene. Fjern noen filtre i sidefeltet.",
        "en": "No passages match the filters. Remove some filters in the sidebar.",
    },
    "filtered_note": {"nb": "Filtre er på: {filters}", "en": "Filters on: {filters}"},
    "sources_heading": {"nb": "Kilder", "en": "Sources"},
    "nearest_heading": {"nb": "Nærmeste passasjer", "en": "Nearest passages"},
    # source cards
    "cited_badge": {"nb": "sitert i svaret", "en": "cited in the answer"},
    "section": {"nb": "Seksjon", "en": "Section"},
    "page": {"nb": "s. {page}", "en": "p. {page}"},
    "pages": {"nb": "s. {start}–{end}", "en": "pp. {start}–{end}"},
    "unknown_author": {"nb": "Ukjent forfatter", "en": "Unknown author"},
    "no_year": {"nb": "u.å.", "en": "n.d."},
    "and": {"nb": "og", "en": "and"},
    "context_label": {"nb": "Vis teksten rundt", "en": "Show the surrounding text"},
    "context_before": {"nb": "Før", "en": "Before"},
    "context_this": {"nb": "Kilde [{number}]", "en": "Source [{number}]"},
    "context_after": {"nb": "Etter", "en": "After"},
    "context_none_before": {"nb": "(begynnelsen av oppgaven)", "en": "(start of the thesis)"},
    "context_none_after": {"nb": "(slutten av oppgaven)", "en": "(end of the thesis)"},
    "context_other_section": {"nb": "fra seksjon {section}", "en": "from section {section}"},
    "copy_label": {
        "nb": "Sitat med referanse, klart til å kopieres (kopiknappen øverst til høyre i feltet):",
        "en": "Quote with citation, ready to copy (copy button at the top right of the box):",
    },
    "copy_label_passage": {
        "nb": "Referansen til passasjen, klar til å kopieres (kopiknappen øverst til høyre i feltet):",
        "en": "The citation of this passage, ready to copy (copy button at the top right of the box):",
    },
    # sidebar
    "settings_heading": {"nb": "Innstillinger", "en": "Settings"},
    "filters_heading": {"nb": "Filtre", "en": "Filters"},
    "filter_theses": {"nb": "Oppgaver", "en": "Theses"},
    "filter_languages": {"nb": "Språk i passasjen", "en": "Passage language"},
    "filter_parts": {"nb": "Del av oppgaven", "en": "Part of the thesis"},
    "filter_all": {"nb": "Alle", "en": "All"},
    "filter_k": {"nb": "Antall kilder", "en": "Number of sources"},
    "filter_help": {"nb": "Tomt felt betyr ingen begrensning.", "en": "An empty field means no restriction."},
    "citation_style": {"nb": "Referansestil", "en": "Citation style"},
    "style_apa": {"nb": "APA 7 (Etternavn & Etternavn, år, s. N)", "en": "APA 7 (Surname & Surname, year, p. N)"},
    "style_norwegian": {"nb": "Norsk (Etternavn og Etternavn, år, s. N)",
                        "en": "Norwegian (Surname and Surname, year, p. N)"},
    "part_front": {"nb": "Innledende sider (forord, sammendrag)", "en": "Front matter (preface, abstract)"},
    "part_body": {"nb": "Hoveddel", "en": "Body"},
    "part_appendix": {"nb": "Vedlegg", "en": "Appendix"},
    "lang_no": {"nb": "norsk", "en": "Norwegian"},
    "lang_en": {"nb": "engelsk", "en": "English"},
    # export
    "export_heading": {"nb": "Last ned", "en": "Download"},
    "export_json": {"nb": "Svar og kilder (JSON)", "en": "Answer and sources (JSON)"},
    "export_csv": {"nb": "Kilder (CSV)", "en": "Sources (CSV)"},
    "export_bibtex": {"nb": "Oppgavene (BibTeX)", "en": "Theses (BibTeX)"},
    "export_ris": {"nb": "Oppgavene (RIS)", "en": "Theses (RIS)"},
    # corpus view
    "corpus_heading": {"nb": "Oppgavene i indeksen", "en": "Theses in the index"},
    "metric_theses": {"nb": "Oppgaver", "en": "Theses"},
    "metric_pages": {"nb": "Sider", "en": "Pages"},
    "metric_passages": {"nb": "Passasjer", "en": "Passages"},
    "metric_sentences": {"nb": "Setninger", "en": "Sentences"},
    "index_heading": {"nb": "Indeksen", "en": "The index"},
    "index_model": {"nb": "Språkmodell", "en": "Language model"},
    "index_built": {"nb": "Bygget", "en": "Built"},
    "index_dtype": {"nb": "Tallpresisjon", "en": "Number precision"},
    "index_query_encoder": {"nb": "Koder for spørsmål", "en": "Query encoder"},
    "index_encoder_choice": {"nb": "Koder målt på denne maskinen", "en": "Encoder measured on this machine"},
    "index_folder": {"nb": "Mappe", "en": "Folder"},
    "index_property": {"nb": "Egenskap", "en": "Property"},
    "index_value": {"nb": "Verdi", "en": "Value"},
    "col_doc": {"nb": "Fil", "en": "File"},
    "col_authors": {"nb": "Forfatter(e)", "en": "Author(s)"},
    "col_year": {"nb": "År", "en": "Year"},
    "col_title": {"nb": "Tittel", "en": "Title"},
    "col_degree": {"nb": "Grad", "en": "Degree"},
    "col_institution": {"nb": "Institusjon", "en": "Institution"},
    "col_pages": {"nb": "Sider", "en": "Pages"},
    "col_passages": {"nb": "Passasjer", "en": "Passages"},
    "col_sentences": {"nb": "Setninger", "en": "Sentences"},
    "col_languages": {"nb": "Språk i passasjene", "en": "Passage languages"},
    "corpus_add_md": {
        "nb": "**Legge til en oppgave:** legg tekstfila i `corpus/`, fyll inn det du vet i "
              "`corpus/catalog.toml` og kjør `.venv/bin/python -m indexer build` (bare den nye fila "
              "blir lest inn). Tomme felt i katalogen vises som «u.å.» og «[Uten tittel]» i referansene.",
        "en": "**Adding a thesis:** put its text file in `corpus/`, fill in what you know in "
              "`corpus/catalog.toml` and run `.venv/bin/python -m indexer build` (only the new file is "
              "read). Empty catalogue fields show as “n.d.” and “[Untitled]” in citations.",
    },
    # issue 17: one language at a time, reading, browsing, phone and keyboard
    "verbatim_note": {"nb": "", "en": "Quotes are verbatim from the theses, in Norwegian, untranslated."},
    "skip_link": {"nb": "Hopp til spørsmålsfeltet", "en": "Skip to the question box"},
    "tab_read": {"nb": "Les en oppgave", "en": "Read a thesis"},
    "read_thesis": {"nb": "Oppgave", "en": "Thesis"},
    "read_section": {"nb": "Seksjon", "en": "Section"},
    "read_toc": {"nb": "Innhold", "en": "Contents"},
    "read_topic": {"nb": "Tema", "en": "Topic"},
    "read_derived": {"nb": "avledet fra teksten", "en": "derived from the text"},
    "read_open": {"nb": "Les i oppgaven", "en": "Read in the thesis"},
    "read_opened": {"nb": "Åpnet under «Les en oppgave».", "en": "Opened under “Read a thesis”."},
    "read_cited": {"nb": "Den siterte setningen er uthevet.", "en": "The cited sentence is highlighted."},
    "read_passage": {"nb": "Passasjen fra kildekortet er uthevet.", "en": "The passage of the source card is highlighted."},
    "read_front": {"nb": "(uten overskrift)", "en": "(no heading)"},
    "filter_chips": {"nb": "Filtre er på:", "en": "Filters on:"},
    "filter_clear": {"nb": "Fjern alle filtre", "en": "Clear all filters"},
    "fewer_sources": {
        "nb": "{found} av {asked} kilder: filtrene slipper ikke gjennom flere passasjer som passer.",
        "en": "{found} of {asked} sources: the filters let no more matching passages through.",
    },
    "chart_heading": {"nb": "Hva korpuset inneholder", "en": "What the corpus holds"},
    "chart_measure": {"nb": "Vis", "en": "Show"},
    "chart_sections": {"nb": "Seksjoner", "en": "Sections"},
    "chart_pages": {"nb": "Sider", "en": "Pages"},
    "chart_languages": {"nb": "Passasjer per språk", "en": "Passages per language"},
    "chart_thesis": {"nb": "Oppgave", "en": "Thesis"},
    "chart_count": {"nb": "Antall", "en": "Count"},
    "chart_language": {"nb": "Språk", "en": "Language"},
    "col_topic": {"nb": "Tema (fra teksten)", "en": "Topic (from the text)"},
    "about_index": {"nb": "Om indeksen", "en": "About the index"},
    "ready": {"nb": "Klar.", "en": "Ready."},
    "st_select_all": {"nb": "Velg alle", "en": "Select all"},
    "st_copy": {"nb": "Kopier", "en": "Copy to clipboard"},
    "st_copied": {"nb": "Kopiert", "en": "Copied"},
    "st_no_results": {"nb": "Ingen treff", "en": "No results"},
    "st_show_sidebar": {"nb": "Vis sidefeltet", "en": "Show sidebar"},
    "st_skip_main": {"nb": "Hopp til hovedinnholdet", "en": "Skip to main content"},
    "st_hide_sidebar": {"nb": "Skjul sidefeltet", "en": "Hide sidebar"},
    "st_upload": {"nb": "Last opp", "en": "Upload"},
    "st_upload_limit": {"nb": "50 MB per fil", "en": "50 MB per file"},
    "st_upload_too_large": {"nb": "Fila er for stor: høyst 50 MB.", "en": "The file is too large: at most 50 MB."},
    "st_open": {"nb": "Åpne", "en": "Open"},
    "st_sidebar": {"nb": "Sidepanel", "en": "Sidebar"},
    "st_file_upload": {"nb": "Velg filer å laste opp", "en": "Choose files to upload"},
    "st_help_for": {"nb": "Hjelp om ", "en": "Help for "},
    "st_remove": {"nb": "Fjern ", "en": "Remove "},
    "st_cancel_upload": {"nb": "Avbryt opplastingen av ", "en": "Cancel upload of "},
    "st_retry_upload": {"nb": "Klikk for å prøve opplastingen igjen", "en": "Click to retry upload"},
    "decimal_mark": {"nb": ",", "en": "."},
    "st_error": {"nb": "Feil:", "en": "Error:"},
    "st_drop": {"nb": "Slipp filene her", "en": "Drop the files here"},
    "st_running": {"nb": "Arbeider …", "en": "Running …"},
    "st_stop": {"nb": "Stopp", "en": "Stop"},
    "st_main_menu": {"nb": "Hovedmeny", "en": "Main menu"},
    "st_choose": {"nb": "Velg", "en": "Choose"},
    "st_selected": {"nb": "Valgte verdier", "en": "Selected values"},
    "st_clear_all": {"nb": "Fjern alle", "en": "Clear all"},
    "st_download_csv": {"nb": "Last ned som CSV", "en": "Download as CSV"},
    "st_fullscreen": {"nb": "Fullskjerm", "en": "Fullscreen"},
    "st_columns": {"nb": "Vis eller skjul kolonner", "en": "Show or hide columns"},
    "st_system": {"nb": "Systemets", "en": "System"},
    "st_light": {"nb": "Lyst", "en": "Light"},
    "st_dark": {"nb": "Mørkt", "en": "Dark"},
    "st_print": {"nb": "Skriv ut", "en": "Print"},
    "st_record": {"nb": "Ta opp skjermen", "en": "Record screen"},
    # the "Add theses" tab (ui.upload)
    "upload_tab": {"nb": "Legg til", "en": "Add theses"},
    "upload_intro": {
        "nb": "Last opp avhandlinger som PDF (høyst {files} filer, {mb} MB hver). De lagres i korpuset og "
              "indekseres i bakgrunnen; søket svarer fra den gamle indeksen så lenge.",
        "en": "Upload theses as PDF (at most {files} files, {mb} MB each). They are saved into the corpus "
              "and indexed in the background; search answers from the old index meanwhile.",
    },
    "upload_pick": {"nb": "PDF-filer", "en": "PDF files"},
    "upload_add": {"nb": "Legg til og indekser", "en": "Add and index"},
    "upload_no_files": {"nb": "Velg minst én PDF-fil først.", "en": "Choose at least one PDF file first."},
    "upload_running": {"nb": "Indekserer {names} …", "en": "Indexing {names} …"},
    "upload_added": {"nb": "Søkbar nå: {name}", "en": "Searchable now: {name}"},
    "upload_refused": {"nb": "Ikke lagt til: {name} ({why})", "en": "Not added: {name} ({why})"},
    "upload_failed": {"nb": "Ikke indeksert (fjernet fra korpuset): {name}: {why}",
                      "en": "Not indexed (removed from the corpus): {name}: {why}"},
    "upload_running_other": {"nb": "Andre oppgaver indekseres nå. Du kan legge til flere når det er ferdig.",
                             "en": "Other theses are being indexed now. You can add more when that is done."},
    "upload_catalog_refused": {"nb": "Ikke lagt til: {why}. Ingen oppgaver kan indekseres før katalogen er rettet.",
                               "en": "Not added: {why}. No thesis can be indexed until the catalog is fixed."},
    "upload_build_failed": {"nb": "Indekseringen mislyktes: {why}. Filene ligger fortsatt i korpuset og indekseres "
                                  "ved neste vellykkede indeksering: {names}",
                            "en": "Indexing failed: {why}. The files stay in the corpus and are indexed by the next "
                                  "successful build: {names}"},
    # why an upload was refused or not indexed (ui.reasons)
    "why_not_pdf_name": {"nb": "filnavnet slutter ikke på .pdf", "en": "the file name does not end in .pdf"},
    "why_empty": {"nb": "fila er tom", "en": "the file is empty"},
    "why_too_large": {"nb": "for stor ({size} MB; høyst {limit} MB)",
                      "en": "too large ({size} MB; at most {limit} MB)"},
    "why_not_pdf": {"nb": "ikke en PDF-fil", "en": "not a PDF file"},
    "why_known": {"nb": "finnes allerede i korpuset som {other}", "en": "already in the corpus as {other}"},
    "why_too_many": {"nb": "{count} filer på én gang; høyst {limit}",
                     "en": "{count} files at once; at most {limit}"},
    "why_no_corpus": {"nb": "korpusmappa {folder} finnes ikke", "en": "the corpus folder {folder} does not exist"},
    "why_busy": {"nb": "Oppgaver indekseres allerede. Legg til flere når det er ferdig.",
                 "en": "Theses are being indexed already. Add more when that is done."},
    "why_catalog_line": {"nb": "katalogen {file} har en feil på linje {line} (på engelsk: {detail})",
                         "en": "the catalog {file} has an error at line {line}: {detail}"},
    "why_catalog": {"nb": "katalogen {file} har en feil (på engelsk: {detail})",
                    "en": "the catalog {file} has an error: {detail}"},
    "why_build_stopped": {"nb": "indekseringen stoppet med kode {code}", "en": "the build stopped with exit code {code}"},
    "why_truncated": {"nb": "PDF-en er avkuttet. Last den ned eller eksporter den på nytt.",
                      "en": "the PDF is truncated. Download or export it again."},
    "why_no_text_layer": {"nb": "PDF-en har ikke noe tekstlag (en skanning?). Den må gjennom tekstgjenkjenning "
                                "(OCR) først.",
                          "en": "the PDF has no text layer (a scan?). It needs OCR before it can be indexed."},
    "why_no_text": {"nb": "fila inneholder ingen tekst", "en": "the file holds no text"},
    "why_too_slow": {"nb": "det tok over {seconds} s å lese PDF-en (en skadet fil eller en PDF-bombe)",
                     "en": "reading the PDF took over {seconds} s (a damaged file or a PDF bomb)"},
    "why_memory": {"nb": "PDF-en trenger mer enn {mb} MB minne (en PDF-bombe?)",
                   "en": "the PDF needs more than {mb} MB of memory (a PDF bomb?)"},
    "why_damaged": {"nb": "PDF-en er skadet og kan ikke åpnes", "en": "the PDF is damaged and cannot be opened"},
    "why_encrypted": {"nb": "PDF-en er låst med passord. Lagre en kopi uten passord for å indeksere den.",
                      "en": "the PDF is encrypted with a password. Save an unprotected copy to index it."},
    "why_too_many_pages": {"nb": "PDF-en har {pages} sider (høyst {limit}). Sjekk at den er én oppgave.",
                           "en": "the PDF has {pages} pages (at most {limit}). Check that it is one thesis."},
    "why_same_text": {"nb": "samme tekst som {other}, som allerede er indeksert",
                      "en": "the same text as {other}, which is indexed already"},
    "why_no_running_text": {"nb": "fant ingen løpende tekst, bare overskrifter eller sidetall",
                            "en": "no running text found, only headings or page numbers"},
    "why_parse_slow": {"nb": "det tok over {seconds} s å dele opp teksten. Sjekk at fila er én oppgave.",
                       "en": "parsing the text took over {seconds} s. Check that the file is one thesis."},
    "why_few_letters": {"nb": "bare {share} % av tegnene er bokstaver (resten tall og symboler), så det er ikke "
                              "løpende tekst",
                        "en": "only {share} % of its characters are letters (the rest numbers and symbols), so it "
                              "is not running text"},
    "why_few_words": {"nb": "{words} ord, men bare {distinct} forskjellige, så det er ikke løpende tekst",
                      "en": "{words} words but only {distinct} different ones, so it is not running text"},
    "why_thin_pages": {"nb": "{pages} sider med i snitt {chars} tegn, så det er ikke teksten i en oppgave",
                       "en": "{pages} pages with {chars} characters each on average, so it is not a thesis text"},
    "why_not_indexed": {"nb": "indekseringen tok den ikke med", "en": "the build did not index it"},
    "why_untranslated": {"nb": "begrunnelse på engelsk: {reason}", "en": "{reason}"},
}

EXAMPLES: dict[str, tuple[str, ...]] = {
    "nb": (
        "Hva betyr det at rusmisbruket blir en masterstatus?",
        "Hvilke former for sosial støtte skiller Schiefloe mellom?",
        "Hva skiller de «marginaliserte» fra de «integrerte» rusavhengige?",
    ),
    "en": (
        "What four kinds of social support does Schiefloe distinguish?",
        "Into which main forms does Bourdieu divide the concept of capital?",
        "How can social networks help people recover from addiction?",
    ),
}


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in interface language `lang` (bokmål when `lang` is unknown)."""
    entry = STRINGS[key]
    text = entry.get(lang, entry[DEFAULT_LANGUAGE])
    return text.format(**values) if values else text


def language_name(lang: str, code: str) -> str:
    """The name of passage language `code` ("no", "en", …) in interface language `lang`."""
    key = f"lang_{code}"
    return t(lang, key) if key in STRINGS else code


def part_name(lang: str, part: str) -> str:
    """The name of thesis part `part` ("front", "body", "appendix") in interface language `lang`."""
    key = f"part_{part}"
    return t(lang, key) if key in STRINGS else part
