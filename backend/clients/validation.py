"""Dutch identifiers: the BSN 11-check and the postcode format."""
import re

_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Z]{2})$")


def is_valid_bsn(value: str) -> bool:
    """Return whether a BSN passes the 11-check (9 digits, weights 9..2 and -1)."""
    if not value.isdigit() or len(value) not in (8, 9):
        return False
    digits = [int(c) for c in value.zfill(9)]
    if not any(digits):
        return False
    total = sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return total % 11 == 0


def normalise_postcode(value: str) -> str | None:
    """Return a Dutch postcode as '1234 AB', or None when it is not one."""
    match = _POSTCODE.match(value.strip().upper())
    if not match or match.group(2) in ("SA", "SD", "SS"):
        return None
    return f"{match.group(1)} {match.group(2)}"
