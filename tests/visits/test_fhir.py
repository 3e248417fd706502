"""The handover FHIR document Bundle validates against FHIR STU3 (fhir.resources) and carries SBAR."""
from datetime import date, datetime, timezone

import pytest
from pydantic import ValidationError

from backend.visits.fhir import build_handover_bundle
from backend.visits.news2 import news2
from tests.visits.conftest import validate_bundle

AT = datetime(2026, 11, 24, 23, 10, tzinfo=timezone.utc)


def document(**handover_changes):
    vital = dict(id="v1", measured_at=AT, resp_rate=22, spo2=95, on_oxygen=True, systolic_bp=105, heart_rate=105,
                 consciousness="C", temperature=38.5, glucose=7.2, pain=4)
    result = news2(**{k: vital[k] for k in ("resp_rate", "spo2", "on_oxygen", "systolic_bp", "heart_rate",
                                            "consciousness", "temperature")})
    vital.update(news2_score=result.score, news2_band=result.band)
    handover = dict(
        id="0f0e7a34-4b8e-4f1a-9d36-3d7d2d1c0c01", created_at=AT, recipient_type="temporary_stay",
        recipient_name="ELV De Linde", situation="Mevrouw is gevallen & verward <sinds vanavond>.",
        background="COPD, woont alleen.", assessment="Geen fractuur; delier waarschijnlijk.",
        recommendation="Opname ELV, urine kweken.",
        medication_changes=[{"name": "Haloperidol", "change": "started", "dose": "0,5 mg", "note": "voor de nacht"}],
        wishes={"resuscitation": "no", "hospital_admission": "no", "preferred_place_of_care": "thuis",
                "agreed_with": "client en dochter", "agreed_on": "2026-03-01"},
        outcome="temporary_stay", outcome_detail="elv", referral_question="Herstel na val, delier?",
    )
    handover.update(handover_changes)
    return build_handover_bundle(
        handover=handover,
        patient=dict(id=7, name="A. de Vries", birth_date=date(1936, 5, 2), bsn="111222333", address="Dorpsstraat 1",
                     postcode="1234 AB", city="Utrecht", phone="030-1234567", gp_name="Huisarts Jansen"),
        encounter=dict(id="visit-1", arrived_at=AT, departed_at=AT.replace(minute=50)),
        author=dict(id=3, name="Verpleegkundige Bos"),
        vitals=[vital],
        contacts=[dict(id="c1", name="Els de Vries", relation="dochter", phone="06-12345678",
                       involvement="first_contact")],
    )


def test_bundle_is_a_valid_stu3_document():
    bundle = document()
    parsed = validate_bundle(bundle)
    assert parsed.type == "document"
    resources = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert resources[0] == "Composition"
    assert {"Patient", "Encounter", "Practitioner", "RelatedPerson", "Observation"} <= set(resources)
    # every reference inside the document resolves to an entry of the bundle
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    composition = bundle["entry"][0]["resource"]
    assert composition["subject"]["reference"] in full_urls
    assert composition["encounter"]["reference"] in full_urls
    for section in composition["section"]:
        for entry in section.get("entry", []):
            assert entry["reference"] in full_urls
    assert len(full_urls) == len(bundle["entry"])


def test_sbar_sections_and_escaped_narrative():
    composition = document()["entry"][0]["resource"]
    titles = [s["title"] for s in composition["section"]]
    assert titles[:4] == ["Situatie", "Achtergrond", "Beoordeling", "Advies"]
    situation = composition["section"][0]["text"]["div"]
    assert "&amp; verward &lt;sinds vanavond&gt;" in situation
    wishes = next(s for s in composition["section"] if s["title"] == "Behandelwensen")["text"]["div"]
    assert "Niet reanimeren" in wishes and "Geen ziekenhuisopname" in wishes


def test_observations_carry_loinc_codes_and_news2():
    bundle = document()
    codes = {
        e["resource"]["code"]["coding"][0]["code"]: e["resource"]
        for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    }
    assert {"9279-1", "59408-5", "8480-6", "8867-4", "8310-5", "15074-8", "72514-3", "67775-7"} <= set(codes)
    assert codes["1104051000000101"]["valueQuantity"]["value"] == 11


def test_acknowledged_handover_has_an_attester():
    composition = document(acknowledged_at=AT, acknowledged_by="Zr. Pieters")["entry"][0]["resource"]
    validate_bundle(document(acknowledged_at=AT, acknowledged_by="Zr. Pieters"))
    assert composition["attester"][0]["party"]["display"] == "Zr. Pieters"


def test_a_broken_bundle_does_not_validate():
    bundle = document()
    bundle["entry"][1]["resource"]["birthDate"] = "2 mei 1936"
    with pytest.raises(ValidationError):
        validate_bundle(bundle)
