"""Text the databases, exports and terminals can hold: control characters out, at one boundary. Pure.

PostgreSQL refuses a NUL in text (the whole transaction fails, and one such reply blocked the
inbox for good); XML, and so .xlsx and .docx, cannot hold C0 controls other than tab, newline and
carriage return (openpyxl raises IllegalCharacterError). A form feed is a page break in pasted
text and becomes a newline; every other such character carries nothing a reader needs.
"""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
#: Any character clean_text changes: most text has none, and is returned as it is.
_UNCLEAN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(value: str) -> str:
    if value.isprintable() or _UNCLEAN.search(value) is None:  # isprintable: no control character at all, fast
        return value
    if "\x0c" in value:
        value = value.replace("\x0c", "\n")
    return _CONTROL.sub("", value)


def clean_parameters(parameters: Any) -> Any:
    """DBAPI parameters (a dict, a sequence, or a list of either for executemany) with their text cleaned.

    Every statement's parameters pass through here (a sweep's executemany, tens of thousands of
    rows), so plain values are passed over on their exact type before anything else is tried.
    """
    kind = type(parameters)
    if kind in _PASSED_OVER:
        return parameters
    if kind is str:
        return clean_text(parameters)
    if isinstance(parameters, dict):
        return {key: value if type(value) in _PASSED_OVER else clean_parameters(value)
                for key, value in parameters.items()}
    if isinstance(parameters, list | tuple):
        cleaned = [value if type(value) in _PASSED_OVER else clean_text(value) if type(value) is str
                   else clean_parameters(value) for value in parameters]
        return type(parameters)(cleaned) if isinstance(parameters, tuple) else cleaned
    if isinstance(parameters, str):
        return clean_text(parameters)
    return parameters


_PASSED_OVER: frozenset[type] = frozenset({int, float, bool, type(None), bytes})
