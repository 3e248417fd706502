"""Demo calls in several states, made through the state machine itself."""
from datetime import datetime, timedelta

from sqlmodel import Session, select

from backend.clients.models import Client
from backend.dispatch import service
from backend.dispatch.models import Call
from backend.identity.actor import Actor
from backend.identity.models import User

ORDER = 30


def load(session: Session, now: datetime) -> bool:
    """Create a few calls: open, offered, accepted, completed, cancelled, and one for FACT-VVT."""
    if session.scalar(select(Call.id).limit(1)) is not None:
        return False
    people = {u.username: Actor.of(u, request_id="demo-load") for u in session.exec(select(User)).all()}
    clients = list(session.exec(select(Client).order_by(Client.id)).all())
    hap, coordinator = people["hap"], people["coordinator"]

    def raise_call(client, team, category, urgency, complaint, minutes_ago):
        return service.create_call(session, actor=hap, now=now - timedelta(minutes=minutes_ago), data={
            "client_id": client.id, "team": team, "category": category, "urgency": urgency,
            "complaint": complaint, "source": "hap", "caller_name": "Dochter", "caller_phone": "06-12345678",
        })

    raise_call(clients[0], "acute", "catheter", "U3", "Katheter verstopt sinds vanmiddag, buikpijn.", 12)
    offered = raise_call(clients[1], "acute", "fall_assessment", "U2",
                         "Gevallen in de badkamer, kan niet zelf opstaan, pijn linkerheup.", 4)
    service.offer_call(session, actor=coordinator, call_id=offered.id, nurse_id=people["anna"].user_id, now=now)
    accepted = raise_call(clients[2], "acute", "iv_therapy", "U3", "IV-antibiotica: volgende gift nodig.", 40)
    service.accept_call(session, actor=people["chantal"], call_id=accepted.id, now=now - timedelta(minutes=35))
    done = raise_call(clients[3], "acute", "nosebleed", "U4", "Neusbloeding, antistolling.", 300)
    service.accept_call(session, actor=people["eva"], call_id=done.id, now=now - timedelta(minutes=290))
    service.set_call_status(session, actor=people["eva"], call_id=done.id, status="en_route",
                            now=now - timedelta(minutes=285))
    service.set_call_status(session, actor=people["eva"], call_id=done.id, status="on_site",
                            now=now - timedelta(minutes=270))
    service.complete_call(session, actor=people["eva"], call_id=done.id, now=now - timedelta(minutes=240),
                          closing_note="Thuis opgelost: bloeding gestelpt, huisarts morgen ingelicht.")
    cancelled = raise_call(clients[4], "acute", "obstipation", "U5", "Al vier dagen geen ontlasting.", 90)
    service.cancel_call(session, actor=hap, call_id=cancelled.id, reason="Eigen huisarts gaat langs.",
                        now=now - timedelta(minutes=60))
    raise_call(clients[5], "fact", "pg_crisis", "U3",
               "Dementie, sinds vanavond onrustig en agressief naar partner.", 8)
    return True
