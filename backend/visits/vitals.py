"""Plausible ranges for vital signs: a value outside is a typing error, not a very sick client."""
from backend.vocab import CONSCIOUSNESS

# (minimum, maximum, unit). Wide enough for a frail, very ill client; narrow enough to catch
# a slipped digit (SpO2 9, temperature 375, heart rate 1200).
PLAUSIBLE = {
    "resp_rate": (3, 70, "/min"),
    "spo2": (50, 100, "%"),
    "systolic_bp": (40, 300, "mmHg"),
    "heart_rate": (20, 250, "/min"),
    "temperature": (25.0, 45.0, "°C"),
    "glucose": (0.5, 60.0, "mmol/l"),
    "pain": (0, 10, "NRS"),
}
REQUIRED = ("resp_rate", "spo2", "on_oxygen", "systolic_bp", "heart_rate", "consciousness", "temperature")


def implausible(values: dict) -> dict[str, list[str]]:
    """Return errors per field (Dutch) for missing or implausible values; empty when all is well."""
    errors: dict[str, list[str]] = {}
    for name in REQUIRED:
        if values.get(name) is None:
            errors[name] = ["Verplicht voor de NEWS2-score."]
    for name, (low, high, unit) in PLAUSIBLE.items():
        value = values.get(name)
        if value is None or name in errors:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors[name] = ["Moet een getal zijn."]
        elif not low <= value <= high:
            errors[name] = [f"Onwaarschijnlijke waarde {value} {unit}: verwacht {low}–{high} {unit}."]
    if values.get("consciousness") is not None and values["consciousness"] not in CONSCIOUSNESS:
        errors["consciousness"] = ["Kies A, C, V, P of U (ACVPU)."]
    if values.get("spo2_scale", 1) not in (1, 2):
        errors["spo2_scale"] = ["SpO2-schaal is 1 of 2."]
    return errors
