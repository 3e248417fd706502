"""Clock jobs: record each coverage gap of the coming 24 h once and tell the team leads; let the nurses'
status follow the adopted roster."""
import logging

from backend.clock import add_job
from backend.push import service as push
from backend.roster import availability, gaps

log = logging.getLogger("wijkspoed.roster")

GAP_TTL_SECONDS = 6 * 3600


def _push_gap(session, *, alert, now) -> None:
    """Queue a web push about a gap for the team's leads (in the caller's transaction)."""
    payload = {"type": "roster_gap", "call_id": None, "urgency": None, "alert_id": alert.id,
               "title": "Gat in het rooster", "body": alert.message, "team": alert.team}
    push.notify(session, user_ids=gaps.team_lead_ids(session, team=alert.team), kind="roster_gap",
                payload=payload, now=now, ttl=GAP_TTL_SECONDS)


def alert_gaps(session, *, now) -> list:
    """Record new gaps of the coming 24 h and push each team lead once per gap (idempotent: a gap already
    recorded is not recorded or pushed again). The pushes and the alerts' `notified_at` commit together."""
    alerts = gaps.record_gap_alerts(session, now=now)
    if not alerts:
        return alerts
    for alert in alerts:
        _push_gap(session, alert=alert, now=now)
    gaps.mark_notified(session, alert_ids=[a.id for a in alerts], now=now)
    log.info("roster: %d new coverage gap(s) in the coming 24 h", len(alerts))
    return alerts


def sync_availability(session, *, now) -> dict:
    """Put nurses on 'available' as their shift starts and 'off_duty' as it ends (unless they chose)."""
    changed = availability.sync_shift_availability(session, now=now)
    if changed["started"] or changed["ended"]:
        log.info("roster: %(started)d nurse(s) on duty, %(ended)d off duty", changed)
    return changed


def register(scheduler, app) -> None:
    """Check the coming 24 h every 5 minutes; follow shift starts and ends every minute."""
    add_job(scheduler, app, alert_gaps, id="roster.gap_alerts", minutes=5)
    add_job(scheduler, app, sync_availability, id="roster.shift_availability", minutes=1)
