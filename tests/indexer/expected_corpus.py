"""Hand-verified facts about the five theses, read from the files (not from the parser).

Conventions
-----------
* "l.N" in comments is the 1-based line number in the raw corpus file (``str.split("\\n")``).
* A *page-start marker* is a line that begins with exactly one space followed by text; a
  *stray number* is a line holding only a number or roman numeral (page number that survived
  extraction). The number belongs to the page that begins at that line.
* Heading titles: surrounding whitespace stripped, inner whitespace collapsed, trailing
  punctuation kept as in the text; a heading wrapped over two visual lines is joined with one
  space.  The separator after the number ("3.5   X", "2.5: X", "4.0  X") is not part of the
  title.  ``KAPITTEL N - TITTEL`` is given as ("N", "TITTEL"); ``Vedlegg N - X`` as
  ("Vedlegg N", "X").
* None of the five files has a table of contents or a reference list / Litteraturliste, so
  there are no TOC lines and no back-matter headings to list.
"""

EXPECTED_HEADINGS: dict[str, list[tuple[str, str]]] = {
    # 000: Sammendrag + English Abstract on the unnumbered first page, chapters "N.0 CAPS".
    "000_56c92893e0805444.txt": [
        ("", "Sammendrag"),  # l.1
        ("", "Abstract"),  # l.31 (no page-start marker; same page as Sammendrag)
        ("1.0", "INTRODUKSJON"),  # l.57
        ("1.1", "Bakgrunn for valg av tema"),
        ("1.2", "Problemstilling og avgrensning"),
        ("1.3", "Den sosialfaglige relevansen"),
        ("1.4", "Presentasjon av oppgavens kapitler"),
        ("2.0", "METODE"),
        ("2.1", "Søkeprosessen"),
        ("2.2", "Forskningens relevans"),
        ("2.3", "Et kritisk blikk på valgt forskning"),
        ("3.0", "TEORETISKE PERSPEKTIVER"),  # l.300, page-start line
        ("3.1", "Samfunn og roller"),
        ("3.2", "Erving Goffman"),
        ("3.3", "Habitus og kapital med Pierre Bourdieu"),
        ("4.0", "RELEVANT LITTERATUR"),
        ("4.1", "Den sosiale rusavhengighet"),
        ("4.2", "Rus og identitet"),
        ("4.2.1", "Identitetskifte"),
        ("4.3", "Tilhørighet"),
        ("5.0", "DISKUSJON"),
        ("5.1", "Sosiale felleskap, er de positive eller negative?"),
        ("5.1.1", "Felleskap vs. utenforskap"),
        ("5.2", "En gang rusavhengig, alltid rusavhengig?"),
        ("5.2.1", "Rus som innskrevet i kroppen"),
        ("5.2.2", "Sosial kapital i behandling"),
        ("5.3", "Å lære å leve på nytt"),
        ("5.3.1", "Ny mening"),
        ("5.4", "Livskvalitet"),
        ("6.0", "AVSLUTNING"),
        ("6.1", "Avsluttende refleksjoner"),
    ],
    # 001: a two-author report. Forord + Sammendrag, no Abstract. Several headings use a colon
    # after the number ("2.5:", "4.6:", "4.8:", "4.9:", "5.0:"-"5.5:", "5.7:", "5.8:") while
    # their siblings do not ("5.6", "5.9"). Repeated titles: "Oppsummering" (2.6, 3.6, 4.9,
    # 5.9, 6.7) and "Ressurser og kapital" (2.5, 6.5).
    "001_5f65321a06df774d.txt": [
        ("", "Forord"),  # l.1
        ("", "Sammendrag"),  # l.62
        ("1.0", "Innledning"),  # l.102
        ("1.1", "Bakgrunnen for studiet"),
        ("1.2", "Betydningen av flere perspektiver for å forstå"),
        ("1.3", "Bruken av rusmidler i det norske samfunn"),
        ("2.0", "Teoretiske inspirasjonskilder"),
        ("2.1", "Hva virker i terapi?"),
        ("2.2", "Om å nå bunnen"),
        ("2.3", "Hva er bedring?"),
        ("2.4", "Identitetsdanning og sosialisering"),
        ("2.5", "Ressurser og kapital"),  # l.1053 "2.5: Ressurser og kapital"
        ("2.6", "Oppsummering"),
        ("3.0", "Datagrunnlag"),
        ("3.1", "Utvelgelse av informanter"),
        ("3.2", "Ulike sosiale miljø"),
        ("3.3", "Beskrivelse av informantene"),
        ("3.4", "Forskning på et tabubelagt område?"),
        # l.1596-1597, wraps: "... endring av" / "livsform?"
        ("3.5", "Hvordan bruke dybdeintervju som utgangspunkt for å forstå endring av livsform?"),
        ("3.6", "Oppsummering"),
        ("4.0", "Informantenes forhold til rusmidler"),
        ("4.1", "Rus som ritual"),
        ("4.2", "Rusfrihet som en prosess"),
        ("4.3", "Rusen og de sosiale forventningene"),
        ("4.4", "Betydningen av andre mennesker og sosiale nettverk"),
        ("4.5", "Et individuelt prosjekt?"),
        ("4.6", "Hensynet til andre"),  # "4.6: ..."
        ("4.7", "Vendepunkt"),
        ("4.8", "Flere vendepunkt på veien ut av avhengigheten"),  # "4.8: ..."
        ("4.9", "Oppsummering"),  # "4.9: ..."
        ("5.0", "”Oss” og ”de andre” – eller?"),  # l.2745 "5.0: ”Oss” og ”de andre” – eller?"
        ("5.1", "Sosiale forventninger som rusfri"),
        ("5.2", "Ensomhet"),
        ("5.3", "Kampen for å være rusfri"),
        ("5.4", "Gjeldsproblematikk"),
        ("5.5", "Status som rusfri - en endring av status- eller?"),
        ("5.6", "Nettverkets betydning"),
        ("5.7", "Det offentlige og profesjonelle hjelpere"),
        ("5.8", "Ressurser og kapitalformer"),
        ("5.9", "Oppsummering"),
        ("6.0", "Hvilken relevans har våre funn?"),
        ("6.1", "Fokus på individuell variasjon og sosiale faktorer"),
        ("6.2", "Bunnen er personlig - og kan endres"),
        ("6.3", "Bedring eller rehabilitering?"),
        ("6.4", "Identiteten som rusavhengig og sosialisering til et rusfritt liv."),  # trailing "."
        ("6.5", "Ressurser og kapital"),
        ("6.6", "Endring av livsform"),
        ("6.7", "Oppsummering"),
    ],
    # 002: English Abstract only (no Sammendrag). Last chapter is "5 Avslutning" (no ".0").
    # Double/triple spaces after some numbers: "3.5   Forskningsartikler", "4.0  Drøfting",
    # "4.2  Ensomhet", "4.3  Kan ...".
    "002_70b37341d0292a91.txt": [
        ("", "Abstract"),  # l.1
        ("1.0", "Innledning"),  # l.18
        ("1.1", "Bakgrunn for valg av tema og forforståelse"),
        ("1.2", "Problemstilling og avgrensing"),
        ("1.3", "Begrepsavklaring"),
        ("1.4", "Sosialfaglig relevans"),
        ("1.5", "Oppbygging av oppgaven"),
        ("2.0", "Metode"),
        ("2.1", "Kildesøk"),
        ("2.2", "Valg av kilder og kildekritikk"),
        ("3.0", "Presentasjon av Litteraturstudie"),
        ("3.1", "Sosialt Nettverksteori"),
        ("3.1.1", "Ulike typer av sosialt nettverk"),
        ("3.1.2", "Ressurser i sosialt nettverk"),
        ("3.1.3", "Bourdieu sitt kapitalbegrep"),
        ("3.1.4", "Sosial kapitals komponenter"),
        ("3.1.5", "Bytte og gjensidighet"),
        ("3.2", "Sosial Støtte og sammenheng med helse"),
        ("3.3", "Recovery"),
        # l.847-849, wraps: "... recovery ved" / "rusmiddelmisbruk og psykiske helseproblemer"
        ("3.4", "Et bedre liv: Historier, erfaringer og forskning om recovery ved "
                "rusmiddelmisbruk og psykiske helseproblemer"),
        ("3.4.1", "Anne Landheims oppsummering av forskning om recovery"),
        ("3.4.2", "Analyse av fortellinger om recovery"),
        ("3.5", "Forskningsartikler"),  # l.949 "3.5   Forskningsartikler"
        ("3.5.1", "Gatelagsfotball som recovery på banen – «Verdens beste ettervern?»"),
        # l.1010-1012, wraps: "... The role of social" / "networks and social identity ..."
        ("3.5.2", "«Is it me or should my friends take the credit?» The role of social "
                  "networks and social identity in recovery from addiction"),
        ("4.0", "Drøfting"),
        ("4.1", "Sosialt nettverks betydning for recovery"),
        ("4.2", "Ensomhet"),
        ("4.3", "Kan sosialt nettverk være negativt for recovery"),
        ("5", "Avslutning"),  # l.1376 "5 Avslutning"
    ],
    # 003: master thesis; chapters written "KAPITTEL N - TITTEL" (given as ("N", "TITTEL")),
    # no numbered sub-sections (see UNNUMBERED_SUBHEADINGS), appendices "Vedlegg N - X".
    "003_5d318866ea7f4178.txt": [
        ("1", "INTRODUKSJON"),  # l.1 "KAPITTEL 1 - INTRODUKSJON"
        ("2", "METODE"),  # l.477 "KAPITTEL 2 - METODE"
        ("3", "TEORIOPPBYGGING"),  # l.1047
        ("4", "FREMTIDSMÅL"),  # l.1778
        # l.3204 "KAPITTEL 5 - " (title wraps onto l.3206)
        ("5", "OM Å GÅ OG GÅ OG ALDRI KOMME TIL DØRA"),
        ("6", "DEN NYE VEIEN"),  # l.4328
        ("Vedlegg 1", "Forespørsel om deltakelse i intervju og samtykkeerklæring"),  # l.4526
        ("Vedlegg 2", "Tilbakemelding på meldeskjema fra NSD"),  # l.4612 (title only, no body)
        ("Vedlegg 3", "Svarbrev fra Forskningsetisk komite (NESH)"),  # l.4613 (title only)
    ],
    # 004: bachelor thesis; Sammendrag on a page printed "I" (l.1), Abstract l.47.
    # Repeated title: "Døgnbasert rusbehandling" (1.4.2 and 3.2). Text l.357 announces
    # "kapittel 6.0 Avslutning" but the heading is "5.0 Avslutning".
    "004_d1b033983cbf4306.txt": [
        ("", "Sammendrag"),  # l.5
        ("", "Abstract"),  # l.47
        ("1.0", "Innledning"),  # l.91
        ("1.1", "Bakgrunn for valg av tema"),
        ("1.2", "Hvorfor er det relevant for sosialt arbeid?"),
        ("1.3", "Problemstilling"),
        ("1.4", "Definisjon av begreper"),
        ("1.4.1", "Rusmiddelavhengighet"),
        ("1.4.2", "Døgnbasert rusbehandling"),
        ("1.5", "Oppgavens avgrensning"),
        ("1.6", "Oppgavens videre oppbygning"),
        ("2.0", "Metode"),
        ("2.1", "Forberedende søk"),
        ("2.2", "Hovedsøk"),
        ("2.3", "Supplerende søk"),
        ("2.4", "Begrensninger"),
        ("3.0", "Litteratur"),
        ("3.1", "Unge voksnes sårbarhet"),
        ("3.1.1", "Negative erfaringer fra barndommen"),
        ("3.1.2", "Utenforskap og avvikende tilhørighet"),
        ("3.2", "Døgnbasert rusbehandling"),
        ("3.3", "Tilbakefall"),
        ("3.4", "Ettervern"),
        ("4.0", "Diskusjon"),
        ("4.1", "Behovet for tilhørighet og fellesskap"),
        ("4.1.1", "Familie"),
        ("4.1.2", "Utfordringer knyttet til nye relasjoner"),
        ("4.2", "Identitet"),
        ("4.2.1", "Hinder"),
        ("4.3", "Nye mestringserfaringer"),
        ("4.3.1", "Rusfritt aktivitetstilbud"),
        ("4.3.2", "Selvhjelpsgrupper"),
        ("4.4", "Sammenhengende og passende ettervernstiltak"),
        ("5.0", "Avslutning"),
    ],
}

# Unnumbered in-body sub-headings (short standalone lines), in document order.
UNNUMBERED_SUBHEADINGS: dict[str, list[str]] = {
    "000_56c92893e0805444.txt": [],
    "001_5f65321a06df774d.txt": [],
    # 002: the three term headings inside "1.3 Begrepsavklaring" (l.113, l.123, l.134;
    # "Sosialt nettverk" stands on a page-start line, l.134).
    "002_70b37341d0292a91.txt": ["Rusavhengig", "Recovery", "Sosialt nettverk"],
    # 003: two levels inside each KAPITTEL - ALL-CAPS lines and mixed-case lines.
    "003_5d318866ea7f4178.txt": [
        "VEIEN OG MÅLENE",  # l.4
        "RUS, MISBRUK OG AVHENGIGHET",  # l.148
        "Rusmiddelmisbruk i Norge - antall og omfang",  # l.172
        "Rusmiddelmisbrukere - de uverdig trengende?",  # l.265 (page-start line)
        "BEGREPSAVKLARING",  # l.397 (page-start line)
        "Rusmiddelmisbrukere",  # l.399
        "Brukere og tjenesteytere",  # l.425
        "OPPGAVENS VIDERE OPPBYGNING",  # l.458 (page-start line)
        "VALG AV KVALITATIV METODE",  # l.480
        "UTVALG OG REKRUTTERING",  # l.556
        "GJENNOMFØRING AV INTERVJUENE",  # l.653
        "ANALYSE",  # l.712
        "ETISKE OVERVEIELSER",  # l.816
        "Tilgang til feltet",  # l.889
        "Samtykke og anonymitet",  # l.966
        "Pålitelighet og troverdighet",  # l.1028
        "INNLEDNING",  # l.1050
        "TJENESTETILBUDET TIL RUSMIDDELMISBRUKERE",  # l.1107 (page-start line)
        "Rusbehandling i spesialisthelsetjenesten",  # l.1135
        "Kommunale helse- og omsorgstjenester til rusmiddelmisbrukere",  # l.1206
        "Arbeids- og velferdsforvaltingens tjenesteyting",  # l.1224
        "Langvarige, koordinerte helse- og omsorgstjenester - alle og ingens ansvar?",  # l.1255
        "Rehabilitering, Individuell plan og koordinator",  # l.1381
        "Tiltak knyttet til skadereduksjon",  # l.1466
        "EN BRUKER BLIR TIL",  # l.1509
        "Å innta rollen som bruker",  # l.1511 (directly under the line above)
        "Den institusjonelle konstruksjon av brukerrollen",  # l.1570
        "Relevans for oppgaven",  # l.1690 (page-start line)
        "ET STED Å BO",  # l.1789
        "STABIL RUS",  # l.2178
        "FORSØRGELSE",  # l.2461
        "SOSIAL DELTAKELSE",  # l.2794
        "PÅ STEDET HVIL",  # l.3191
        "SUBSTITUSJONSBEHANDLING - OM Å IKKE KVALIFISERE",  # l.3227
        "RUSBEHANDLINGSINSTITUSJON - OM Å MELKE SYSTEMET",  # l.3534
        "LAVTERSKELTILBUD - ET SKRITT I RIKTIG RETNING ELLER ENDEHOLDEPLASS?",  # l.3682+3684
        "FASTLEGEN - DEN SISTE SKANSE",  # l.3884
        "ANSVARSGRUPPE OG KONTAKTPERSON - KOORDINERING OG SAMHANDLING PÅ LIKSOM",  # l.4069+4071
        "OPPSUMMERING - OM Å GÅ I RING",  # l.4260
        "ET ÅPENBART BEHOV FOR SKADEREDUSERENDE TILTAK?",  # l.4353
        "REHABILITERING PÅ ALVOR",  # l.4438
        # inside Vedlegg 1: title of the information letter (l.4528+4530) and the consent form
        "Forespørsel om deltakelse i intervju i forbindelse med min masteravhandling",
        "Samtykkeerklæring",  # l.4586 (page-start line)
    ],
    "004_d1b033983cbf4306.txt": [],
}

# Lines that behave like sub-headings but are really bibliographic lead-ins (title of a study
# followed by its citation, ending in "."), in 002's "2.2 Valg av kilder og kildekritikk"
# (l.398-400 and l.422-426). Neither a clear heading nor plain prose: decide separately.
DOUBTFUL_SUBHEADINGS: dict[str, list[str]] = {
    "002_70b37341d0292a91.txt": [
        "Gatelagsfotball som Recovery på banen – «Verdens beste ettervern?» (Thompson, "
        "Knutsen, Johansen, Borg & Karlson, 2019).",
        "«Is it me or should my friends take the credit?» The role of social networks and social "
        "identity in recovery from addiction (Batish, Best, Savic, Beckwith, Mackenzie & Lubman, "
        "2017).",
    ],
}

# Lines that look like headings but are not: numbered list items, footnotes, wrapped lines
# beginning with a year / page reference / number, figure labels and captions.
# (There are no table-of-contents lines in any of the five files.)
NOT_HEADINGS: dict[str, list[str]] = {
    "000_56c92893e0805444.txt": [
        "380). Rusavhengighet er med andre ord et kompleks fenomen med både psykiske, fysiske og",  # l.84
        "2015). Det å forstå og ha innsikt i de sosiale faktorene som spiller inn på en rusavhengighet vil",  # l.156
        "[(habitus)(kapital)] + felt = praksis",  # l.420 equation on a page-start line
        "2015). I Boshears et al. (2011) sin studie om brukere av amfetamin og sosialisering, hevdet en",  # l.630
        "21 år gammel mann at han historisk sett har slitt med ensomhet med liten eller ingen grad av",  # l.632
        "2017 s. 36). Derfor er det ikke vanskelig å forstå at de brune pubene virker tiltalende på",  # l.786
        "63). Boshears et al. (2011) viser til hvordan følelsen av å bli akseptert i et rusmiljø gjorde det",  # l.805 page-start
        "1992). En slik følelse av avvik og stigmatisering kan ha konsekvenser for selvoppfattelsen og",  # l.871
        "2014; Robertson & Nesvåg 2018). Å gjøre endringer i denne habitusen krever store",  # l.911
        "2019). En utfordring for å lykkes med en rusfri hverdag etter behandling vil dermed være at",  # l.1046
    ],
    "001_5f65321a06df774d.txt": [
        "15 og 20 år for perioden 1968-2008 (Vedøy og Skretting 2009). Undersøkelsen",  # l.268
        "20 år. Den samme tendensen viser seg for samme aldersgruppe når det gjelder",  # l.292
        "80 % av respondentene at utsagnet karakteriserte misbruk av alkohol. I 1989 var",  # l.376
        "Figur 1:",  # l.487 figure label
        "2006 og er basert på hans doktoravhandling om bedringsprosesser innen psykisk",  # l.736
        "2000). Dette kan kobles til Meads teori, selv om han opererer med tre stadier.",  # l.908
        "30 til 50 år så galt. De fleste har jo tilbrakt mye av 20-årene sine i rus og /eller",  # l.1297
        "1955 -1960, fant han at 65 % av de 16725 personene som var registrert",  # l.1947
        "1960. Hans forklaring til denne reduksjonen var en naturlig modenhet. Denne",  # l.1951
        "1999/2001 og Hubble, Duncan, Miller 1999). Vi vet også at majoriteten av de",  # l.1965
        "6000, 00 kr. Det betalte jeg tilbake. Det er det eneste jeg har gjort. Og han som",  # l.3296
        "1 Se f. eks Sirus sine studier av de nasjonale klientkartleggingsskjemaene (Sirus 2008).",  # l.4034 footnote
        "2 Se f. eks Sirus sine studier av de nasjonale klientkartleggingsskjemaene (Sirus 2008).",  # l.4147 footnote
        "Figur 2: Endring av livsform",  # l.4258 figure caption
    ],
    "002_70b37341d0292a91.txt": [
        "2017).",  # l.426
        "573 personer har deltatt. Det positive med en slik undersøkelse er at den vil kunne ha høy",  # l.448
        "2015).",  # l.660
        "2014). Ifølge Biong & Borg (2016) er mye av fokuset i litteraturen om recovery på å ta",  # l.837
        "40 og 65 prosent en psykisk lidelse i løpet av livet. Angst og depresjon er de vanligste",  # l.857
        "2016).",  # l.902
        "1. Hvilke erfaringer har deltakerne med gatelagsfotball i forhold til recoveryprosesser?, 2. På",  # l.963
        "2013 til juli 2014. Studien har som mål å utforske rollen som faktorene sosialt nettverk og",  # l.1020
        "2019) viser at det var viktig at det ikke ble snakket om rus i laget da dette kunne være en",  # l.1357
    ],
    "003_5d318866ea7f4178.txt": [
        "1. Hvordan er livet ditt i dag?",  # l.56
        "2. Hvilke mål har du for fremtiden?",  # l.58
        "3. Hvilken bistand ønsker du fra bistandsapparatet for å nå dine mål?",  # l.60
        "2003b). Kanskje handler det imidlertid ikke om verdige og uverdige problemer, men om livet",  # l.366
        "2006). I min oppgave kan fenomenet jeg ønsket å forstå, således sies å være veien mot målet.",  # l.494
        "Figur 1",  # l.509
        "I DAG INNSATS MÅL",  # l.533 text inside figure 1 (ALL CAPS, not a heading)
        "18 år.",  # l.564
        "Figur 2",  # l.756
        "Figur 3",  # l.788
        "MÅL:",  # l.824 text inside figure 3
        "800 kroner holder seg så vidt frisk.\"",  # l.2861
        "1990-tallet ble debatten om sprøytrom reist, og etter en lang politisk prosess, ble lov om",  # l.3710
        "2011c:60)",  # l.4396
        "Figur 4",  # l.4494
    ],
    "004_d1b033983cbf4306.txt": [
        "2011, s.43).",  # l.140
        "2016, s. 190). På bakgrunn av dette vil jeg i denne oppgaven se på betydningsfullt innhold i",  # l.167
        "10. Avhengighet er definert som:",  # l.259 (wrapped "ICD-|10.")
        "2014, s. 94). Perioden kan også være preget av utenforskap og store endringer. Dette er",  # l.279
        "2013, s. 17). Denne oppgaven er en litterær oppgave der jeg på bakgrunn av oppgavens",  # l.367
        "289). Det kan også inneholde praktisk hjelp knyttet til søknader om for eksempel bolig og",  # l.751
        "13), på bakgrunn av at lite sosial støtte og dysfunksjonelle familier er med på å gi dårligere",  # l.1035
        "63). Familie kan for noen representere trygghet, men for andre være ustabilt og utrygt. Noen",  # l.1088
        "212). Både sosial vegring for å få nye venner, og manglende sosiale ferdigheter kan være et",  # l.1117 page-start
        "73). Personer med svekket selvbilde er mer engstelige, vil ha mindre positive",  # l.1275
        "126). Brukeren kan bli møtt med ulike og noen ganger motstridende budskap og strategier.",  # l.1432
    ],
}

# Lines holding only a number-like value that are NOT printed page numbers (figure values).
NOT_PAGE_NUMBERS: dict[str, list[str]] = {
    "001_5f65321a06df774d.txt": ["30 %", "15 %", "15 %", "40 %"],  # l.494, 499, 504, 508 (Figur 1)
}

# Stray printed page numbers: (line number, printed page) -- the page begins at that line.
STRAY_PAGE_NUMBERS: dict[str, list[tuple[int, str]]] = {
    "000_56c92893e0805444.txt": [(182, "3")],
    "001_5f65321a06df774d.txt": [(211, "9"), (797, "20"), (1028, "24"), (1280, "29"),
                                 (1342, "30"), (1676, "36"), (2701, "56"), (3152, "65"),
                                 (4536, "92")],
    "002_70b37341d0292a91.txt": [(198, "5"), (329, "7"), (1434, "25")],
    "003_5d318866ea7f4178.txt": [(198, "4"), (980, "17"), (2421, "40"), (2948, "48"),
                                 (3791, "61")],
    "004_d1b033983cbf4306.txt": [(1, "I"), (1550, "30")],  # "I": roman, front matter
}

# (verbatim snippet from ONE visual line, unique in the file, printed page it stands on)
PAGE_CHECKS: dict[str, list[tuple[str, int]]] = {
    # 000: one stray number, l.182 " 3 " -> the page beginning there is p.3.  All 19 pages from
    # l.57 on have a page-start marker and 27-34 text lines each (no missing/extra markers), so
    # pages are counted in both directions: l.57 p1 (brief: INTRODUKSJON page is p.1),
    # l.116 p2, l.182 p3, l.248 p4, l.300 p5, l.357 p6, l.420 p7, l.481 p8, l.546 p9,
    # l.611 p10, ..., l.1189 p19.  Front matter (l.1-56, Sammendrag+Abstract) is unnumbered.
    "000_56c92893e0805444.txt": [
        ("av den voksne befolkningen i Norge har brukt rusmidler", 1),  # l.60, 2 page-starts before l.182
        ("I denne oppgaven vil jeg se på problemstillingen «Hvordan kan man", 2),  # l.117, page l.116
        ("gjennom relevant litteratur på området. Her kommer en kort presentasjon", 3),  # l.184, first line after " 3 "
        ("har jeg også oppsøkt litteratur gjennom kjedesøk og enklere søk", 4),  # l.248 = next page-start
        ("Mennesker er grunnleggende sosiale vesen. Vi bor i ulike samfunn", 5),  # l.303, page l.300
        ("Erving Goffman (1922-82) var en kanadisk sosiolog og antropolog.", 6),  # l.358, page l.357
        ("«Samfunnet, det kollektive liv, er en kraftig kilde til liv", 10),  # l.612, page l.611 (7 starts after l.182)
        ("tråder for å sette ord på de sosiale faktorene som skaper begrensninger", 19),  # l.1189, last page
    ],
    # 001: nine stray numbers (9, 20, 24, 29, 30, 36, 56, 65, 92).  Checks sit on the first text
    # line after a stray number or on the page-start immediately before/after one, where the
    # line count between neighbouring stray numbers agrees with the markers.  Known marker
    # problems (avoided): l.678 and l.1801 are extra markers (2- and 12-line "pages"), l.3257 or
    # l.3263 is extra (6-line "page"), and pages l.4241 (45 lines, figure) and l.4596 (55
    # lines; l.4653 starts with two spaces) seem to hide a page start.
    "001_5f65321a06df774d.txt": [
        ("tillegg til eller i forbindelse med rusproblemene, noe som utgjør", 8),  # l.154, page-start before l.211 "9"
        ("deler en slik oppfatning. Flere av informantene er nettopp opptatt av at", 9),  # l.214, after "9"
        ("Omfanget og bruk av rusmidler er i endring, både nasjonalt og også", 10),  # l.262, next page-start
        ("helsearbeid. Hans utgangspunkt har vært å belyse hva som hjelper mennesker", 19),  # l.737, page-start before l.797 "20"
        ("Dette har som vi har nevnt tidligere i rapporten vært viktig for oss", 20),  # l.800, after "20"
        ("Kritikken av det sosiologiske identitetsbegrepet har vært at dette er", 21),  # l.854, next page-start
        ("overens med endring, fordi det gir mulighet for en forvandling", 23),  # l.968, page-start before l.1028 "24"
        ("Det vi velger å forholde oss til er derfor Meads teori om etableringen", 24),  # l.1033, after "24"
        ("størrelser. ”Gatekapital” kan defineres som ”kunnskap, kompetanse", 25),  # l.1087, next page-start
        ("Når det gjelder vår betegnelse ”rusmisbrukere” var dette et begrep", 28),  # l.1220, page-start before "29"
        ("medikamentbehandling som en ikke rusavhengig livsform ettersom", 29),  # l.1283, after l.1280 "29"
        ("oppmerksomme på at dette ikke var så lett. Vi kunne gjenkjenne en del verdier", 30),  # l.1345, after "30"
        ("ble rekruttert. Det er lite som tyder på at rekrutteringen foregikk", 31),  # l.1402, next page-start
        ("kunne ikke på dette tidspunktet gitt svar på det vi lurte på.", 35),  # l.1618, page-start before "36"
        ("en oppvekst og et liv så fjernt fra våre egne, til og med i land", 36),  # l.1679, after l.1676 "36"
        ("tøffe bygutten som kunne det ene og det andre, ikke sant.", 55),  # l.2646, page-start before "56"
        ("informantene ikke opplever snuoperasjonen i livsformen på samme måte", 56),  # l.2704, after l.2701 "56"
        ("beskrive seg selv som en marginal person i det tidligere rusmiljøet.", 64),  # l.3101, page-start before "65"
        ("oppnå i et rusmiljø. Rollene og statushierarkiet har nok en ulik fremtoning", 65),  # l.3155, after "65"
        ("jeg så veldig interessert i å betale på lån og sånn. Og på 80-tallet", 66),  # l.3209, next page-start
        ("har vi eksempler på at noen informanter utviklet rusproblemer i en alder", 91),  # l.4485, page l.4479 before "92"
        ("nevnt ikke rusfri i dag men i LAR behandling. Og man kan jo spørre seg om", 92),  # l.4539, after l.4536 "92"
        ("av oss er helt problemfri, eller helt rusfri for den saks skyld.", 93),  # l.4596, next page-start
    ],
    # 002: stray numbers l.198 "5", l.329 "7", l.1434 "25".  In this file some markers sit on
    # paragraph starts and are not page starts (l.134/l.136: one of them; l.398/l.404: one;
    # l.747; l.993/l.1010: one; l.1396), and page l.459 (61 lines) hides a start (likely
    # l.518, two leading spaces).  Checks only where that does not matter: p4 = l.134/136-197
    # (either way), p5 after "5", p6 = l.265 (the only marker between "5" and "7"), p7 after
    # "7", p8 = l.404-458 (l.329-458 is exactly two pages, l.459 starts mid-sentence),
    # p23 = l.1307, p24 = l.1370 (mid-sentence start) to l.1433, p25 after "25".
    "002_70b37341d0292a91.txt": [
        ("(Schiefloe, 2016). Sosialt nettverk vil bli mer", 4),  # l.142
        ("Å utføre en undersøkelse etter vitenskapelige prinsipper", 5),  # l.206, after l.198 "5"
        ("voksne i oppgaven ekskluderte jeg artikler som fokuserte på barn og unge", 6),  # l.265
        ("Jeg har i denne oppgaven valgt å bruke boken Et bedre liv", 7),  # l.333, after l.329 "7"
        ("Jeg har valgt denne forskningsrapporten fordi jeg vil undersøke", 8),  # l.404
        ("unna rusen på dårlige dager. Slike krefter kan man gjerne finne", 23),  # l.1307, 2 pages before "25"
        ("støtte. Sosial støtte kan dempe stress og belastninger", 24),  # l.1398
        ("sosialt arbeid, og ikke bare se etter ressurser hos brukeren", 25),  # l.1438, after l.1434 "25"
    ],
    # 003: stray numbers l.198 "4", l.980 "17", l.2421 "40", l.2948 "48", l.3791 "61"; the
    # counts between them agree with the markers.  Extra markers: l.95 and l.550 (" og "
    # between the two problem statements; 17+17 and 8+25 lines); page l.727 (62 lines, with
    # figures 2-3) hides a start; l.3831 (quote start after a 20-line p.61) is probably extra,
    # so nothing after p.61 is checked.  p1-p3: l.1 p1, l.61 p2 (+ extra l.95), l.128 p3.
    "003_5d318866ea7f4178.txt": [
        ("Denne oppgaven handler om fremtidsmål og om veien dit.", 1),  # l.6
        ("dreier det seg om å lete etter det generelle i det spesielle", 3),  # l.128, page-start before "4"
        ("Norge finnes en høy andel sprøytemisbrukere (ibid).", 4),  # l.200, after l.198 " 4 "
        ("Begrepet misbruk settes gjerne i sammenheng med begrepet avhengighet.", 5),  # l.267, page l.265
        ("Jeg gikk gjennom anbefalingene fra NESH sammen med min veileder.", 16),  # l.908, page-start before "17"
        ("lidelser, psykisk utviklingshemming eller ruspåvirkede personer.", 17),  # l.982, after l.980 " 17 "
        ("I denne oppgaven spør jeg hvilke mål rusmiddelmisbrukere har for fremtiden", 18),  # l.1052, page l.1047
        ("hadde for dem. Den medisinke effekten av rusmidlene sto sentralt", 39),  # l.2349, page-start before "40"
        ("Informantene beskriver, slik jeg forstår dem, en type rusmestring.", 40),  # l.2423, after l.2421 " 40 "
        ("behandlingsplass. En annen av informantene som nå fikk sosialstønad", 41),  # l.2486, next page-start
        ("han derfor passet på å ikke dele sprøyte med andre som ikke var smittet.", 47),  # l.2876, before "48"
        ("Så måtte jeg gå å lyge til slekta i 2-3 år.", 48),  # l.2950, after l.2948 " 48 "
        ("ikke slike stigmatiseringsprosesser uvanlige.", 49),  # l.3017, next page-start
        ("defineres som rusmiddelmisbruket. Institusjonens beskrivelse av problemet", 59),  # l.3660
        ("Det ideelle målet for skadereduserende tiltak er ifølge Skretting (2011c)", 60),  # l.3719, before "61"
        ("av nye HIV-tilfeller. Det bør imidlertid nevnes", 61),  # l.3793, after l.3791 " 61 "
    ],
    # 004: one arabic stray number, l.1550 " 30 " (4 lines before the end of the file); count
    # backwards over markers that all start mid-sentence or lack the paragraph-break line
    # before them: l.1484 p29, l.1437 p28, l.1372 p27, l.1305 p26, l.1245 p25.  (Counting on
    # to l.91 gives "1.0 Innledning" = p.5; l.1 "  I " is the roman number of the Sammendrag
    # page - front matter, not checked.)
    "004_d1b033983cbf4306.txt": [
        ("Det er ikke alle som klarer å finne andre meningsfulle aktiviteter", 25),  # l.1247
        ("Rusfritt aktivitetstilbud for personer med rusproblemer kan fungere", 26),  # l.1307
        ("oppnår deltakerne livsmestring og kontroll (Sjåfjell & Myhra, 2015, s.140)", 27),  # l.1372
        ("Ettervernstiltakene må ses i sammenheng med brukerens ønske om endring.", 28),  # l.1437
        ("I denne oppgaven har jeg nå svart på problemstillingen", 29),  # l.1486, page l.1484
        ("meningsfulle for akkurat det individet det er snakk om", 30),  # l.1552, after l.1550 " 30 "
    ],
}

# A verbatim snippet (30-80 chars, unique in the file) from each English abstract.
ENGLISH_ABSTRACT_SNIPPETS: dict[str, str] = {
    "000_56c92893e0805444.txt": "This paper aims to delineate the understanding of how the social world",  # l.32
    "002_70b37341d0292a91.txt": "The purpose of this paper is to investigate the significance social networks",  # l.3
    "004_d1b033983cbf4306.txt": "In this thesis, I have researched the value of aftercare",  # l.48
}

# E-mail addresses and phone numbers appearing in the files (verbatim), per file.
PERSONAL_DATA: dict[str, list[str]] = {
    "000_56c92893e0805444.txt": [],
    "001_5f65321a06df774d.txt": [],
    "002_70b37341d0292a91.txt": [],
    "003_5d318866ea7f4178.txt": ["99541104", "guro.wisth.oydgard@stud.uin.no"],  # l.4583, l.4585
    "004_d1b033983cbf4306.txt": [],
}
