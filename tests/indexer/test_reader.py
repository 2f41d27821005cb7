"""Reading thesis files: encodings and bad input."""
import pytest

from indexer.errors import ThesisReadError
from indexer.reader import decode_thesis, read_thesis


def test_utf8_and_bom_variants_decode_to_the_same_text():
    text = "Rusavhengighet og tilhørighet på NAV-kontoret\r\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("utf-16")):
        decoded, warnings = decode_thesis(data)
        assert decoded == "Rusavhengighet og tilhørighet på NAV-kontoret\n" and not warnings


def test_latin1_is_decoded_with_a_warning():
    decoded, warnings = decode_thesis("Rus og tilhørighet".encode("latin-1"), "x.txt")
    assert decoded == "Rus og tilhørighet"
    assert warnings == ["x.txt: not valid UTF-8; decoded as Latin-1"]


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"  \n\n \n", "empty"),
    (bytes(range(256)) * 10, "binary"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
    (b"12 34\n\n56\n", "no text"),
])
def test_bad_input_raises_a_clear_error(data, message):
    with pytest.raises(ThesisReadError, match=message):
        decode_thesis(data)


def test_missing_file(tmp_path):
    with pytest.raises(ThesisReadError, match="no such file"):
        read_thesis(tmp_path / "nope.txt")
