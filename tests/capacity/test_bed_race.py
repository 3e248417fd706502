"""Exactly one placement gets the last bed: parallel accepts against a real threaded server."""
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlmodel import Session, select

from backend.capacity.models import Capacity, CapacityChange
from backend.placements import service
from backend.placements.models import Placement
from tests.capacity.helpers import make_location
from tests.dispatch.dispatch_fixtures import live_server, pusher  # noqa: F401
from tests.factories import PASSWORD, START, actor, make_call, make_organisation, make_user

N = 12


def _logged_in(base_url, username):
    http = requests.Session()
    response = http.post(f"{base_url}/api/auth/login", json={"username": username, "password": PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text
    http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    # the session cookie is Secure; over the test's plain http, requests would not send it back by itself
    http.headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    return http


def test_parallel_accepts_on_the_last_bed_have_exactly_one_winner(app, session, live_server, pusher):  # noqa: F811
    org = make_organisation(session, name="Carinova", kind="care_provider")
    location = make_location(session, organisation=org, beds={"elv_low": 1})
    regio = make_user(session, role="regional_coordinator", team=None)
    coordinator = make_user(session, role="coordinator")
    managers = [make_user(session, role="bed_manager", team=None, organisation="Carinova") for _ in range(N)]
    placements = []
    for _ in range(N):
        call = make_call(session, by=coordinator)
        p = service.create_placement(session, actor=actor(coordinator), now=START,
                                     data={"client_id": call.client_id, "bed_type": "elv_low", "question": "?"})
        service.offer_placement(session, actor=actor(regio), placement_id=p.id, location_id=location.id, now=START)
        placements.append(p)
    sessions = [_logged_in(live_server.url, m.username) for m in managers]
    barrier = threading.Barrier(N)

    def accept(i):
        barrier.wait()
        return sessions[i].post(f"{live_server.url}/api/placements/{placements[i].id}/accept", timeout=60).status_code

    with ThreadPoolExecutor(max_workers=N) as pool:
        statuses = list(pool.map(accept, range(N)))
    for s in sessions:
        s.close()
    assert sorted(statuses) == [200] + [409] * (N - 1)
    with Session(pusher.engine) as check:
        assert check.get(Capacity, (location.id, "elv_low")).free == 0
        accepted = check.exec(select(Placement).where(Placement.status == "accepted")).all()
        assert len(accepted) == 1
        assert len(check.exec(select(Placement).where(Placement.status == "offered")).all()) == N - 1
        changes = check.exec(select(CapacityChange)).all()
        assert [(c.free_before, c.free_after, c.placement_id) for c in changes] == [(1, 0, accepted[0].id)]
