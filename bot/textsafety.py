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


def clean_text(value: str) -> str:
    if "\x0c" in value:
        value = value.replace("\x0c", "\n")
    return _CONTROL.sub("", value)


def clean_parameters(parameters: Any) -> Any:
    """DBAPI parameters (a dict, a sequence, or a list of either for executemany) with their text cleaned."""
    if isinstance(parameters, str):
        return clean_text(parameters)
    if isinstance(parameters, dict):
        return {key: clean_parameters(value) if isinstance(value, str | dict | list | tuple) else value
                for key, value in parameters.items()}
    if isinstance(parameters, list | tuple):
        cleaned = [clean_parameters(value) if isinstance(value, str | dict | list | tuple) else value
                   for value in parameters]
        return type(parameters)(cleaned) if isinstance(parameters, tuple) else cleaned
    return parameters
