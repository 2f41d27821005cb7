"""Numbers as people read them in messages and pages."""
from __future__ import annotations


def format_count(value: int, separator: str = " ") -> str:
    """1234567 -> "1 234 567" (Norwegian digit grouping; `separator` e.g. a no-break space)."""
    return f"{value:,}".replace(",", separator)
