"""marshmallow's validation messages as a user reads them, and the 422's one-line summary (in Dutch)."""


# marshmallow's stock messages, as a user reads them (our own validators already speak Dutch).
_STOCK_MESSAGES = {
    "Missing data for required field.": "Verplicht veld.",
    "Field may not be null.": "Mag niet leeg zijn.",
    "Unknown field.": "Onbekend veld.",
    "Not a valid date.": "Geen geldige datum.",
    "Not a valid datetime.": "Geen geldig tijdstip.",
    "Not a valid integer.": "Geen geheel getal.",
    "Not a valid number.": "Geen getal.",
    "Not a valid boolean.": "Geen ja/nee-waarde.",
    "Not a valid string.": "Geen tekst.",
    "Not a valid list.": "Geen lijst.",
    "Not a valid mapping type.": "Geen object.",
    "Invalid input type.": "Verkeerd soort waarde.",
    "Invalid value.": "Ongeldige waarde.",
    "Not a valid UUID.": "Geen geldige UUID.",
    "Not a valid email address.": "Geen geldig e-mailadres.",
    "Not a valid time.": "Geen geldige tijd.",
    "Not a valid aware datetime.": "Tijdstip zonder tijdzone.",
    "String does not match expected pattern.": "Heeft niet de juiste vorm.",
}


def _dutch_message(text):
    if not isinstance(text, str):
        return text
    if text.startswith("Must be one of:"):
        return "Kies een van de toegestane waarden: " + text.removeprefix("Must be one of:").strip()
    if text.startswith(("Must be greater", "Must be less", "Must be at least", "Must be at most")):
        return "Buiten het toegestane bereik."
    if text.startswith(("Shorter than", "Longer than", "Length must")):
        return "Te kort of te lang."
    return _STOCK_MESSAGES.get(text, text)


def dutch_errors(errors_):
    if isinstance(errors_, dict):
        return {k: dutch_errors(v) for k, v in errors_.items()}
    if isinstance(errors_, list):
        return [dutch_errors(v) for v in errors_]
    return _dutch_message(errors_)


def _field_messages(errors_, prefix=""):
    for key, value in errors_.items():
        name = key if key == "_schema" else f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _field_messages(value, "" if key in ("json", "query", "form", "headers") else f"{name}.")
        else:
            yield name, " ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def invalid_fields_message(errors_: dict) -> str:
    """Say in Dutch which fields of a refused request are wrong and why (the 422 of a bad body or query)."""
    parts = [f"{name}: {why}" if name != "_schema" else why for name, why in _field_messages(errors_)]
    return "Niet verwerkt — controleer " + ("dit veld" if len(parts) == 1 else "deze velden") + ": " + "; ".join(parts)
