"""Export a handover as a FHIR STU3 document Bundle.

Why STU3: the Dutch national standard for nursing handovers, Nictiz eOverdracht 4.x, is published as
FHIR STU3 profiles (zib 2017), and that is what receiving VVT, hospital and GP systems in the Netherlands
read today. The bundle is a document (Composition first) with the SBAR narrative as sections, plus
Patient, Encounter (the visit), Practitioner (the nurse), RelatedPerson (mantelzorgers and contacts) and
the vital signs as Observations. Pure: it takes plain dicts (`handovers.fhir_document` gathers them from
the record) and returns a JSON-ready dict; the tests parse it with fhir.resources.STU3.
"""
import html
import uuid
from datetime import date, datetime

from backend.timeutil import as_utc
from backend import vocab

NAMESPACE = uuid.UUID("5b0e3f52-7d6c-4e0c-9a51-2f1f0d7c9b11")
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
BSN_SYSTEM = "http://fhir.nl/fhir/NamingSystem/bsn"
LOCAL = "https://wijkspoed.nl/fhir/CodeSystem"

# parameter → (LOINC code, display, UCUM unit code, human unit)
VITAL_CODES = {
    "resp_rate": ("9279-1", "Respiratory rate", "/min", "/min"),
    "spo2": ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%", "%"),
    "systolic_bp": ("8480-6", "Systolic blood pressure", "mm[Hg]", "mmHg"),
    "heart_rate": ("8867-4", "Heart rate", "/min", "/min"),
    "temperature": ("8310-5", "Body temperature", "Cel", "°C"),
    "glucose": ("15074-8", "Glucose [Moles/volume] in Blood", "mmol/L", "mmol/l"),
    "pain": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported", "{score}", "NRS"),
}
CONSCIOUSNESS_CODE = ("67775-7", "Level of responsiveness")
NEWS2_CODE = ("1104051000000101", "Royal College of Physicians National Early Warning Score 2 (NEWS2) total score")


def _ref(kind: str, key) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{key}')}"


def _instant(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="seconds")


def _narrative(*paragraphs: str) -> dict:
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs if p) or "<p>-</p>"
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _section(title: str, system: str, code: str, display: str, paragraphs, entries=()) -> dict:
    section = {
        "title": title,
        "code": {"coding": [{"system": system, "code": code, "display": display}]},
        "text": _narrative(*paragraphs),
    }
    if entries:
        section["entry"] = [{"reference": ref} for ref in entries]
    return section


def _patient(patient: dict) -> dict:
    resource = {
        "resourceType": "Patient",
        "name": [{"text": patient["name"]}],
        "birthDate": patient["birth_date"].isoformat() if isinstance(patient["birth_date"], date) else patient["birth_date"],
        "address": [{
            "line": [patient["address"]], "postalCode": patient.get("postcode"), "city": patient.get("city"),
            "country": "NL",
        }],
    }
    if patient.get("bsn"):
        resource["identifier"] = [{"system": BSN_SYSTEM, "value": patient["bsn"]}]
    if patient.get("phone"):
        resource["telecom"] = [{"system": "phone", "value": patient["phone"]}]
    if patient.get("gp_name"):
        resource["generalPractitioner"] = [{"display": patient["gp_name"]}]
    return resource


def _observations(vital: dict, patient_ref: str, encounter_ref: str):
    """Yield (fullUrl, Observation) for every measured parameter of one set of vitals, then NEWS2."""
    base = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{
            "system": "http://hl7.org/fhir/observation-category", "code": "vital-signs", "display": "Vital Signs",
        }]}],
        "subject": {"reference": patient_ref},
        "context": {"reference": encounter_ref},
        "effectiveDateTime": _instant(vital["measured_at"]),
    }
    for name, (code, display, ucum, unit) in VITAL_CODES.items():
        value = vital.get(name)
        if value is None:
            continue
        observation = dict(base, code={"coding": [{"system": LOINC, "code": code, "display": display}]},
                           valueQuantity={"value": value, "unit": unit, "system": UCUM, "code": ucum})
        if name == "spo2" and vital.get("on_oxygen"):
            observation["comment"] = "Met zuurstoftoediening"
        yield _ref("observation", f"{vital['id']}/{name}"), observation
    code, display = CONSCIOUSNESS_CODE
    yield _ref("observation", f"{vital['id']}/consciousness"), dict(
        base, code={"coding": [{"system": LOINC, "code": code, "display": display}]},
        valueCodeableConcept={
            "coding": [{"system": f"{LOCAL}/acvpu", "code": vital["consciousness"],
                        "display": vocab.CONSCIOUSNESS[vital["consciousness"]][1]}],
            "text": vocab.dutch(vocab.CONSCIOUSNESS, vital["consciousness"]),
        },
    )
    code, display = NEWS2_CODE
    yield _ref("observation", f"{vital['id']}/news2"), dict(
        base, code={"coding": [{"system": SNOMED, "code": code, "display": display}]},
        valueQuantity={"value": vital["news2_score"], "unit": "score", "system": UCUM, "code": "{score}"},
        interpretation={"text": vocab.dutch(vocab.NEWS2_BANDS, vital["news2_band"])},
    )


def _wishes_lines(wishes: dict | None) -> list[str]:
    if not wishes:
        return ["Geen behandelwensen vastgelegd."]
    lines = [
        f"Reanimatie: {vocab.dutch(vocab.RESUSCITATION, wishes.get('resuscitation'))}",
        f"Ziekenhuisopname: {vocab.dutch(vocab.HOSPITAL_ADMISSION, wishes.get('hospital_admission'))}",
    ]
    if wishes.get("preferred_place_of_care"):
        lines.append(f"Voorkeursplek van zorg: {wishes['preferred_place_of_care']}")
    if wishes.get("preferred_place_of_death"):
        lines.append(f"Voorkeursplek van overlijden: {wishes['preferred_place_of_death']}")
    if wishes.get("other_agreements"):
        lines.append(f"Overige afspraken: {wishes['other_agreements']}")
    if wishes.get("agreed_with") or wishes.get("agreed_on"):
        lines.append(f"Afgesproken met: {wishes.get('agreed_with') or '-'} op {wishes.get('agreed_on') or '-'}")
    return lines


def _medication_lines(changes: list[dict]) -> list[str]:
    if not changes:
        return ["Geen medicatiewijzigingen."]
    return [
        " ".join(filter(None, [
            f"{vocab.dutch(vocab.MEDICATION_CHANGES, item.get('change'))}:", item.get("name"), item.get("dose"),
            f"({item['note']})" if item.get("note") else None,
        ]))
        for item in changes
    ]


def build_handover_bundle(*, handover: dict, patient: dict, encounter: dict, author: dict,
                          vitals: list[dict], contacts: list[dict], consult_advice=()) -> dict:
    """Return the handover as a FHIR STU3 document Bundle (a JSON-ready dict)."""
    patient_ref = _ref("patient", patient["id"])
    encounter_ref = _ref("encounter", encounter["id"])
    author_ref = _ref("practitioner", author["id"])
    composition_ref = _ref("composition", handover["id"])

    entries: list[tuple[str, dict]] = [
        (patient_ref, _patient(patient)),
        (encounter_ref, {
            "resourceType": "Encounter",
            "status": "finished" if encounter.get("departed_at") else "in-progress",
            "class": {"system": "http://hl7.org/fhir/v3/ActCode", "code": "HH", "display": "home health"},
            "subject": {"reference": patient_ref},
            "participant": [{"individual": {"reference": author_ref}}],
            "period": {k: _instant(v) for k, v in (("start", encounter.get("arrived_at")),
                                                   ("end", encounter.get("departed_at"))) if v},
        }),
        (author_ref, {"resourceType": "Practitioner", "name": [{"text": author["name"]}]}),
    ]
    contact_refs = []
    for contact in contacts:
        ref = _ref("related-person", contact["id"])
        related = {"resourceType": "RelatedPerson", "patient": {"reference": patient_ref},
                   "name": [{"text": contact["name"]}]}
        if contact.get("relation"):
            related["relationship"] = {"text": contact["relation"]}
        if contact.get("phone"):
            related["telecom"] = [{"system": "phone", "value": contact["phone"]}]
        entries.append((ref, related))
        contact_refs.append(ref)
    observation_refs = []
    for vital in vitals:
        for ref, observation in _observations(vital, patient_ref, encounter_ref):
            entries.append((ref, observation))
            observation_refs.append(ref)

    outcome = handover.get("outcome")
    outcome_lines = [f"Uitkomst: {vocab.dutch(vocab.OUTCOMES, outcome)}" if outcome else "Bezoek nog niet afgerond."]
    if handover.get("outcome_detail"):
        outcome_lines.append(f"Soort verblijf: {vocab.dutch(vocab.TEMPORARY_STAYS, handover['outcome_detail'])}")
    if handover.get("referral_question"):
        outcome_lines.append(f"Vraagstelling: {handover['referral_question']}")
    contact_lines = [
        f"{c['name']} ({c.get('relation') or 'contact'}): {vocab.dutch(vocab.CONTACT_INVOLVEMENT, c.get('involvement'))}"
        + (f", tel. {c['phone']}" if c.get("phone") else "")
        + (f". Let op: {c['signal']}" if c.get("signal") else "")  # a high EDIZ (backend/episodes/burden.py)
        for c in contacts
    ] or ["Geen contactpersonen vastgelegd."]

    sections = [
        _section(vocab.SBAR[part][0], f"{LOCAL}/sbar", part, vocab.SBAR[part][1], [handover[part]])
        for part in ("situation", "background", "assessment", "recommendation")
    ]
    sections += [
        _section("Medicatiewijzigingen", LOINC, "10160-0", "History of Medication use Narrative",
                 _medication_lines(handover.get("medication_changes") or [])),
        _section("Behandelwensen", LOINC, "42348-3", "Advance directives", _wishes_lines(handover.get("wishes"))),
        _section("Mantelzorgers en contactpersonen", LOINC, "56864-2", "Persons involved in care",
                 contact_lines, contact_refs),
        _section("Vitale functies", LOINC, "8716-3", "Vital signs",
                 [f"{len(vitals)} meting(en)"] if vitals else ["Geen metingen."], observation_refs),
        _section("Uitkomst en vervolg", LOINC, "18776-5", "Plan of care note", outcome_lines),
    ]
    if consult_advice:  # the on-call physician's advice (consults): a consult note in the dossier
        sections.append(_section("Overleg met de arts", LOINC, "11488-4", "Consult note", list(consult_advice)))
    composition = {
        "resourceType": "Composition",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": composition_ref},
        "status": "final",
        "type": {"coding": [{"system": LOINC, "code": "18761-7", "display": "Transfer summary note"}],
                 "text": "Overdracht wijkverpleging"},
        "subject": {"reference": patient_ref},
        "encounter": {"reference": encounter_ref},
        "date": _instant(handover["created_at"]),
        "author": [{"reference": author_ref}],
        "title": f"Warme overdracht aan {handover['recipient_name']} "
                 f"({vocab.dutch(vocab.RECIPIENT_TYPES, handover['recipient_type'])})",
        "confidentiality": "R",
        "section": sections,
    }
    if handover.get("acknowledged_at"):
        composition["attester"] = [{"mode": ["professional"], "time": _instant(handover["acknowledged_at"]),
                                    "party": {"display": handover.get("acknowledged_by") or ""}}]
    return {
        "resourceType": "Bundle",
        "id": str(handover["id"]),
        "language": "nl-NL",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{handover['id']}"},
        "type": "document",
        "entry": [{"fullUrl": composition_ref, "resource": composition}]
        + [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }

