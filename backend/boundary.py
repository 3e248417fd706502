"""The input guard at the boundary: what no field of any endpoint accepts (pure functions, no Flask).

`api.py` applies it to every request (body, query, path, HTML form) before a view runs, and to every loaded
argument after webargs: text must be Unicode scalar values without NUL, integers fit the database's columns,
dates lie within 1900–2200, and JSON nests at most `MAX_JSON_DEPTH` deep — refused before it is parsed.
"""
from datetime import date, datetime

from backend import errors

MAX_JSON_DEPTH = 32
# Every integer column is a 32-bit INTEGER on PostgreSQL; a bigger value would overflow in the database.
MIN_INT, MAX_INT = -(2**31), 2**31 - 1
MIN_YEAR, MAX_YEAR = 1900, 2200

_OPEN, _CLOSE, _QUOTE, _BACKSLASH = ord("["), ord("]"), ord('"'), ord("\\")
_OPEN_OBJ, _CLOSE_OBJ = ord("{"), ord("}")


def json_depth_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Return whether a JSON text nests deeper than `limit`, scanning bytes (no parsing, no recursion)."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _BACKSLASH:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in (_OPEN, _OPEN_OBJ):
            depth += 1
            if depth > limit:
                return True
        elif byte in (_CLOSE, _CLOSE_OBJ):
            depth -= 1
    return False


def text_problem(text: str) -> str | None:
    """Return why a text is refused (a NUL, or a lone surrogate that is no Unicode scalar value), else None."""
    if "\x00" in text:
        return "Tekst met een NUL-teken (\\u0000) wordt niet aangenomen."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "Tekst met een losse surrogaat (ongeldige Unicode) wordt niet aangenomen."
    return None


def value_problem(value) -> str | None:
    """Return why a value is refused: bad text or an integer out of column range, anywhere inside it."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return problem
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not MIN_INT <= item <= MAX_INT:
                return f"Getal buiten het bereik {MIN_INT}…{MAX_INT}."
        elif isinstance(item, datetime | date):
            if not MIN_YEAR <= item.year <= MAX_YEAR:  # year 1 or 9999 with an offset can't even become UTC
                return f"Datum buiten {MIN_YEAR}–{MAX_YEAR}."
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
    return None


def refuse(problem: str, where: str) -> None:
    """Raise the one 422 of the guard."""
    raise errors.Unprocessable(problem, errors={where: [problem]})


def check(value, where: str) -> None:
    """Refuse a value with a problem (422 naming where it was: json, query, path, form)."""
    problem = value_problem(value)
    if problem:
        refuse(problem, where)


def in_range(moment: datetime) -> bool:
    """Return whether a datetime lies within the years the system holds (1900–2200)."""
    return MIN_YEAR <= moment.year <= MAX_YEAR
