"""Text safe to print on a terminal: no escape sequences, control or bidirectional-override characters.

Thesis text and catalog fields are untrusted: `\\x1b[2J` clears the screen, `\\x1b]0;…\\x07` sets the
window title, and U+202E reverses what follows. Plain text drops them (newline and tab stay);
JSON keeps them as `\\uXXXX` escapes, so it is the same JSON value, printed harmlessly.
"""
from __future__ import annotations

import re

# ESC sequences: CSI (ESC [ … final), OSC/DCS/APC/PM/SOS strings (ended by BEL or ESC \), two-byte escapes.
_ESCAPE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?")
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_IN_JSON = re.compile(rf"[\x7f-\x9f{_BIDI}]")  # json.dumps already escapes C0


def terminal_text(text: str) -> str:
    """`text` without escape sequences and control characters other than newline and tab."""
    return _CONTROL.sub("", _ESCAPE.sub("", text))


def terminal_json(line: str) -> str:
    """A JSON text (from `json.dumps`) with DEL, C1 and bidi controls written as `\\uXXXX` escapes."""
    return _CONTROL_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", line)
