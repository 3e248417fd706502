"""Demo locations of the four care providers, with free beds per type."""
from datetime import datetime, timedelta

from sqlmodel import Session, select

from backend.capacity.models import Capacity, Location
from backend.identity.models import Organisation

ORDER = 40

# organisation, name, address, postcode, lat, lon, phone, {bed_type: free}
LOCATIONS = [
    ("Carinova", "Carinova De Lange Aa (ELV)", "Lange Aa 1, Deventer", "7411 KA", 52.2563, 6.1602, "0570 123 401",
     {"elv_low": 2, "elv_high": 1, "elv_palliative": 1}),
    ("Carinova", "Herstelkliniek Deventer", "Nico Bolkesteinlaan 75, Deventer", "7416 SE", 52.2453, 6.1911,
     "0570 123 402", {"wijkkliniek": 3}),
    ("Solis", "Solis Het Anker (GRZ)", "Boxbergerweg 10, Deventer", "7413 EA", 52.2601, 6.1766, "0570 123 403",
     {"grz": 2, "elv_high": 0}),
    ("Sutfene", "Sutfene Het Hoge Veld", "Dieserstraat 2, Zutphen", "7201 NC", 52.1420, 6.2005, "0575 123 404",
     {"elv_low": 1, "wlz_crisis": 1, "elv_palliative": 0}),
    ("Zorggroep Raalte", "Zorggroep Raalte Swaneburg", "Kerkstraat 5, Raalte", "8102 EA", 52.3866, 6.2757,
     "0572 123 405", {"wlz_crisis": 0, "elv_low": 1}),
]
CRITERIA = {
    "elv_low": "Laagcomplex: tijdelijke zorg, geen behandeling door SO nodig.",
    "elv_high": "Hoogcomplex: medisch-specialistische zorg door SO, herstel verwacht.",
    "elv_palliative": "Terminale fase, levensverwachting < 3 maanden.",
    "grz": "Revalidatie na ziekenhuis of acute val, belastbaar.",
    "wlz_crisis": "Wlz-indicatie of aanvraag lopend; crisis thuis niet houdbaar.",
    "wijkkliniek": "Korte opname (tot 2 weken) ter voorkoming van SEH-bezoek.",
}


def load(session: Session, now: datetime) -> bool:
    """Create the demo locations with their beds unless they exist."""
    organisations = {o.name: o.id for o in session.exec(select(Organisation)).all()}
    created = False
    for i, (org, name, address, postcode, lat, lon, phone, beds) in enumerate(LOCATIONS):
        if org not in organisations or session.scalar(select(Location.id).where(Location.name == name)):
            continue
        location = Location(organisation_id=organisations[org], name=name, address=address, postcode=postcode,
                            lat=lat, lon=lon, phone=phone, created_at=now)
        session.add(location)
        session.flush()
        for bed_type, free in beds.items():
            # one location left unconfirmed for a day: the board shows what "stale" looks like
            updated = now - timedelta(hours=20) if i == 4 else now - timedelta(minutes=30 * (i + 1))
            session.add(Capacity(location_id=location.id, bed_type=bed_type, free=free,
                                 criteria=CRITERIA[bed_type], updated_at=updated))
        created = True
    session.commit()
    return created
