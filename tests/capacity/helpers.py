"""A small region with beds: two care providers, their locations and bed managers, a regional coordinator."""
from types import SimpleNamespace

from backend.capacity.models import Capacity, Location
from tests.factories import START, login, make_call, make_organisation, make_user


def make_location(session, *, organisation, beds: dict, name: str | None = None) -> Location:
    """Create a location of an organisation with {bed_type: free} beds, updated at START."""
    location = Location(organisation_id=organisation.id, name=name or f"{organisation.name} locatie",
                        address="Brink 1", postcode="7411 AB", lat=52.25, lon=6.16, phone="0570 000000",
                        created_at=START)
    session.add(location)
    session.flush()
    for bed_type, free in beds.items():
        session.add(Capacity(location_id=location.id, bed_type=bed_type, free=free, updated_at=START))
    session.commit()
    return location


def bed_world(session):
    """Return a region: carinova (ELV beds) and solis (GRZ), their bed managers, staff and a client's call."""
    carinova = make_organisation(session, name="Carinova", kind="care_provider")
    solis = make_organisation(session, name="Solis", kind="care_provider")
    w = SimpleNamespace(carinova=carinova, solis=solis)
    w.elv = make_location(session, organisation=carinova, beds={"elv_low": 2, "elv_high": 1})
    w.grz = make_location(session, organisation=solis, beds={"grz": 1, "elv_low": 0})
    w.bm = make_user(session, role="bed_manager", team=None, organisation="Carinova")
    w.bm_solis = make_user(session, role="bed_manager", team=None, organisation="Solis")
    w.regio = make_user(session, role="regional_coordinator", team=None)
    w.nurse = make_user(session)
    w.coordinator = make_user(session, role="coordinator")
    w.call = make_call(session, by=w.coordinator)
    w.client_id = w.call.client_id
    return w


def headers(client, user) -> dict:
    return {"X-CSRF-Token": login(client, user.username)}


def as_user(app, user):
    """Return a fresh test client logged in as `user` and its headers."""
    c = app.test_client()
    return c, headers(c, user)
