"""Find personal data in clean text: e-mail addresses, Norwegian phone numbers, fødselsnumre.

Run on the joined clean text (wrapped lines and split words already joined), so a value that
wrapped across a line is found whole. Each finder is tuned against over-masking: a verbatim
quote must stay verbatim, so number lists (`12 15 18 20`), ISBN parts, amounts (`kr 35000000`),
years and page ranges are left alone (pairs like `22 85 50 50` count as a phone number only after
+47 or a word such as "telefon", "tlf", "ring", "kontakt"), and an 11-digit number is a fødselsnummer only when its
date part is a real date and its check digits are right (or a label such as "fødselsnummer"
stands just before it).
"""
from __future__ import annotations

import datetime
import re

EMAIL_MASK = "[e-post]"
PHONE_MASK = "[telefon]"
ID_MASK = "[fødselsnummer]"

_AT = r"(?:\s?[@＠]\s?|\s?[\[(]\s?(?:at|alfakrøll)\s?[\])]\s?)"
_DOT = r"(?:[.．]|\s?[\[(]\s?(?:dot|punktum)\s?[\])]\s?)"
_EMAIL = re.compile(rf"(?<![\w.+-])[\w+-]+(?:\.[\w+-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[^\W\d_]{{2,}}(?![\w-])",
                    re.IGNORECASE)
# Not part of a longer run of numbers: no digit right before or after, across one separator.
_ALONE_BEFORE = r"(?<![\w+])(?<!\d[ .,-])"
_ALONE_AFTER = r"(?!\w)(?![ .,-]?\d)"
_S = r"[ .-]"
_PHONE = re.compile(
    rf"{_ALONE_BEFORE}(?P<prefix>(?:\+|00)47[ .-]?)?"
    rf"(?P<number>\d{{8}}|\d{{3}}{_S}\d{{2}}{_S}\d{{3}}|\d{{4}}{_S}\d{{4}}|\d{{2}}{_S}\d{{2}}{_S}\d{{2}}{_S}\d{{2}})"
    rf"{_ALONE_AFTER}"
)
_FNR = re.compile(rf"{_ALONE_BEFORE}(?P<date>\d{{6}}) ?(?P<serial>\d{{5}}){_ALONE_AFTER}")
_MONEY_BEFORE = re.compile(r"(?:\bkr\.?|\bnok|\bkroner|[$€£])\s?$", re.IGNORECASE)
_MONEY_AFTER = re.compile(r"^\s?(?:kr\b|kroner\b|nok\b|,-)", re.IGNORECASE)
_ISBN_BEFORE = re.compile(r"\bis[bs]n\b[^\n]{0,30}$", re.IGNORECASE)
_FNR_LABEL = re.compile(r"(?:fødsels|person)(?:nummer|nr)|\b[fp]\.?\s?nr\b|\bfnr\b|\bpnr\b", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
# Pairs (`22 85 50 50`) are also how lists of ages or scores are written: that form is a phone
# number only after +47 or a word that announces one.
_PHONE_LABEL = re.compile(r"\b(?:tlf|tel|telefon\w*|mobil\w*|ring\w*|nås|kontakt\w*|nummer|nr|sms|phone)\b\W{0,6}"
                          r"(?:\w+\W{1,3}){0,3}$", re.IGNORECASE)
_WEIGHTS = ((3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))


def find_personal_data(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, mask) spans of personal data in `text`, in order."""
    found = [(m.start(), m.end(), EMAIL_MASK) for m in _EMAIL.finditer(text)]
    found += [(m.start(), m.end(), ID_MASK) for m in _FNR.finditer(text) if _is_fnr(text, m)]
    found += [(m.start(), m.end(), PHONE_MASK) for m in _PHONE.finditer(text) if _is_phone(text, m)]
    spans: list[tuple[int, int, str]] = []
    for span in sorted(found):
        if not spans or span[0] >= spans[-1][1]:
            spans.append(span)
    return spans


def mask_text(text: str) -> str:
    """`text` with every span of personal data replaced by its mask."""
    out, pos = [], 0
    for start, end, mask in find_personal_data(text):
        out += [text[pos:start], mask]
        pos = end
    return "".join(out) + text[pos:]


def _is_phone(text: str, m: re.Match[str]) -> bool:
    number = m["number"]
    digits = re.sub(r"\D", "", number)
    if digits[0] in "01":
        return False  # Norwegian subscriber numbers start with 2-9
    if not m["prefix"]:
        before, after = text[max(0, m.start() - 40) : m.start()], text[m.end() : m.end() + 8]
        if _MONEY_BEFORE.search(before) or _MONEY_AFTER.search(after) or _ISBN_BEFORE.search(before):
            return False
        groups = re.split(_S, number)
        if len(groups) == 4 and not _announced(text, m.start()):
            return False  # "12 15 18 20", "22 15 18 20 og 25 år"
        halves = groups
        if len(halves) == 2:
            first, second = int(halves[0]), int(halves[1])
            if all(_YEAR.fullmatch(h) for h in halves) or 0 < second - first < 1000:
                return False  # "2019 2020", a page or year range "2345-2360"
    return True


def _announced(text: str, start: int) -> bool:
    """Whether a phone word stands at most three words before `start` (an e-mail address counting as one)."""
    return bool(_PHONE_LABEL.search(_EMAIL.sub("epost", text[max(0, start - 80) : start])))


def _is_fnr(text: str, m: re.Match[str]) -> bool:
    """A real date (D- and H-numbers and test numbers included) and right check digits, or a label before it."""
    date, digits = m["date"], [int(ch) for ch in m["date"] + m["serial"]]
    day, month, year = int(date[:2]), int(date[2:4]), int(date[4:])
    day -= 40 if day > 40 else 0
    month -= 80 if month > 80 else 40 if month > 40 else 0
    if not any(_valid_date(century + year, month, day) for century in (1900, 2000)):
        return False
    return _check_digits_ok(digits) or bool(_FNR_LABEL.search(text[max(0, m.start() - 40) : m.start()]))


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _check_digits_ok(digits: list[int]) -> bool:
    for position, weights in ((9, _WEIGHTS[0]), (10, _WEIGHTS[1])):
        check = 11 - sum(w * d for w, d in zip(weights, digits)) % 11
        if (0 if check == 11 else check) != digits[position]:
            return False
    return True
