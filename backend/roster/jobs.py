"""Clock job: record each coverage gap of the coming 24 h once and tell the team lead."""
import logging

from sqlmodel import select

from backend.db import session_scope
from backend.identity.models import User
from backend.push import service as push
from backend.roster import service

log = logging.getLogger("wijkspoed.roster")

GAP_TTL_SECONDS = 6 * 3600


def alert_gaps(session, *, now) -> list:
    """Record new gaps of the coming 24 h; push each team lead once per gap."""
    alerts = service.record_gap_alerts(session, now=now)
    if not alerts:
        return alerts
    for alert in alerts:
        leads = session.exec(select(User.id).where(User.team == alert.team, User.role == "team_lead",
                                                   User.active)).all()
        payload = {"type": "roster_gap", "call_id": None, "urgency": None, "alert_id": alert.id,
                   "title": "Gat in het rooster", "body": alert.message, "team": alert.team}
        push.notify(session, user_ids=leads, kind="roster_gap", payload=payload, now=now, ttl=GAP_TTL_SECONDS)
    session.commit()
    service.mark_notified(session, alert_ids=[a.id for a in alerts], now=now)
    return alerts


def run(app) -> None:
    """One pass of the job (idempotent: a gap already recorded is not recorded or pushed again)."""
    with app.app_context(), session_scope(app.extensions["db_engine"]) as session:
        alerts = alert_gaps(session, now=app.extensions["clock"].now())
        if alerts:
            log.info("roster: %d new coverage gap(s) in the coming 24 h", len(alerts))


def sync_availability(app) -> None:
    """Put nurses on 'available' as their shift starts and 'off_duty' as it ends (unless they chose)."""
    with app.app_context(), session_scope(app.extensions["db_engine"]) as session:
        changed = service.sync_shift_availability(session, now=app.extensions["clock"].now())
        if changed["started"] or changed["ended"]:
            log.info("roster: %(started)d nurse(s) on duty, %(ended)d off duty", changed)


def register(scheduler, app) -> None:
    """Check the coming 24 h every 5 minutes; follow shift starts and ends every minute."""
    scheduler.add_job(run, "interval", minutes=5, args=[app], id="roster_gap_alerts", replace_existing=True)
    scheduler.add_job(sync_availability, "interval", minutes=1, args=[app], id="roster_shift_availability",
                      replace_existing=True)
