"""Heading recognition: what is a heading and what only looks like one."""
import pytest

from indexer.headings import follows_outline, match_heading_line


@pytest.mark.parametrize("line, number, title, level", [
    ("1.0 INTRODUKSJON", "1.0", "INTRODUKSJON", 1),
    ("4.2.1 Identitetskifte", "4.2.1", "Identitetskifte", 3),
    ("3.5   Forskningsartikler", "3.5", "Forskningsartikler", 2),
    ("2.5: Ressurser og kapital", "2.5", "Ressurser og kapital", 2),
    ("5 Avslutning", "5", "Avslutning", 1),
    ("KAPITTEL 2 - METODE", "2", "METODE", 1),
    ("Vedlegg 1 - Forespørsel om deltakelse", "Vedlegg 1", "Forespørsel om deltakelse", 1),
    ("Sammendrag", "", "Sammendrag", 1),
    ("Abstract", "", "Abstract", 1),
])
def test_headings_are_recognised(line, number, title, level):
    heading = match_heading_line(line)
    assert heading is not None
    assert (heading.number, heading.title, heading.level) == (number, title, level)


@pytest.mark.parametrize("line", [
    "1. Hvordan er livet ditt i dag?",
    "10. Avhengighet er definert som:",
    "1960. Hans forklaring til denne reduksjonen var en naturlig modenhet. Denne",
    "15 og 20 år for perioden 1968-2008 (Vedøy og Skretting 2009). Undersøkelsen",
    "30 %",
    "Dette er en vanlig setning i brødteksten.",
    "1 Innledning ........................................ 1",
    "2.1 Metode . . . . . . . . . . 12",
    "Forord ..................... iv",
])
def test_lookalikes_are_not_headings(line):
    assert match_heading_line(line) is None


def test_outline_accepts_successors_and_rejects_jumps():
    assert follows_outline((), (1,))
    assert follows_outline((2, 3), (2, 4))
    assert follows_outline((2, 3), (3,))
    assert follows_outline((2, 3), (2, 3, 1))
    assert follows_outline((2, 3), (2, 5))  # one missing number is tolerated
    assert not follows_outline((5, 8), (1,))  # a footnote "1 Se f. eks …"
    assert not follows_outline((1, 4, 1), (10,))
