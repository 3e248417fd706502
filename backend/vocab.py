"""The one vocabulary: every closed list of codes the backend and the PWA share, with Dutch labels.

Codes are English snake_case; a labelled list maps code → (Dutch label, English label). The Dutch label is
what a user reads (UI, pages, push texts, reasons); the English one goes into exports (FHIR display).
The labels are data, kept with their notes in `vocab.toml` beside this module; the codes' groups and rules
are here. Schemas (`OneOf`), database checks and the PWA (`pwa/src/vocab.json`, written by
`python -m backend.vocab`) all take their lists from this module.
"""
import json
import sys
import tomllib
from pathlib import Path

_LISTS = tomllib.loads(Path(__file__).with_name("vocab.toml").read_text(encoding="utf-8"))


def _labelled(name: str) -> dict[str, tuple[str, str]]:
    """Return a labelled list of vocab.toml: code → (Dutch label, English label), in its order."""
    return {code: tuple(term) for code, term in _LISTS[name].items()}


# -- ids -----------------------------------------------------------------------------------------
# Ids are 32-bit integers on both databases: a bigger number can't name a row (404/422, never an overflow).
MAX_ID = 2**31 - 1

# -- roles ---------------------------------------------------------------------------------------
ROLE_LABELS = _labelled("ROLE_LABELS")
ROLES = tuple(ROLE_LABELS)
# The roles of a team's staff: they see their team's calls, the clients of those calls and their dossiers.
TEAM_ROLES = ("nurse", "coordinator", "team_lead")
# Who subscribes a phone to web push: a team's staff, and the physician on call (consults).
PUSH_ROLES = TEAM_ROLES + ("physician",)
# Who reads calls: a team's staff, and a HAP its organisation's calls.
CALL_READ_ROLES = ("hap",) + TEAM_ROLES
# Who reads the temporary-bed board: everyone but the administrator (who sees no care data).
CAPACITY_READ_ROLES = tuple(r for r in ROLES if r not in ("admin", "physician"))
PROFESSIONS = _labelled("PROFESSIONS")
# Whom a roster's shift types are for: the nurses' shifts, or the physicians' on-call duty (a roster of their own).
ROSTER_ROLES = ("nurse", "physician")
LINK_ROLE_LABELS = _labelled("LINK_ROLE_LABELS")

# -- teams ---------------------------------------------------------------------------------------
TEAM_KINDS = _labelled("TEAM_KINDS")
# Teams are rows (identity.models.Team); a team code is a short slug. The first two teams keep these codes.
TEAM_CODE_PATTERN = r"^[a-z][a-z0-9_-]{0,15}$"
DEFAULT_TEAM_CODES = ("acute", "fact")
ORGANISATION_KINDS = _labelled("ORGANISATION_KINDS")
AVAILABILITY = ("available", "off_duty", "busy")

# Skills and qualifications are short snake_case codes; these are the ones with a name.
SKILL_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
SKILLS = _labelled("SKILLS")

# -- calls ---------------------------------------------------------------------------------------
# NTS urgencies: U0/U1 are a matter for 112 and refused at intake; U2–U5 are this team's work.
EMERGENCY_URGENCIES = ("U0", "U1")
URGENCIES = ("U2", "U3", "U4", "U5")
TRIAGE_URGENCIES = EMERGENCY_URGENCIES + URGENCIES
URGENCY_LABELS = _labelled("URGENCY_LABELS")

CALL_STATUS_LABELS = _labelled("CALL_STATUS_LABELS")
CALL_STATUSES = tuple(CALL_STATUS_LABELS)
CALL_STATUS_STAFF_LABELS = _labelled("CALL_STATUS_STAFF_LABELS")
ACTIVE_STATUSES = ("open", "offered", "accepted", "en_route", "on_site")
HELD_STATUSES = ("accepted", "en_route", "on_site")
# A planned call (a follow-up visit, issue 17) waits for its time: not yet active work (no offer, no
# escalation, not on the running board), but it can be moved (reschedule) or cancelled. The clock opens it
# at `planned_for` minus the team's lead time: planned → open, and from there the usual machine.
PLANNED_STATUS = "planned"
CANCELLABLE_STATUSES = (PLANNED_STATUS,) + ACTIVE_STATUSES

CATEGORIES = _labelled("CATEGORIES")
SOURCES = _labelled("SOURCES")

# -- dispatch: push texts ------------------------------------------------------------------------
CATEGORY_PUSH_LABELS = _labelled("CATEGORY_PUSH_LABELS")

# -- visits, handovers and the dossier -----------------------------------------------------------
OUTCOMES = _labelled("OUTCOMES")
# Outcomes that send the client on: a referral question ("vraagstelling") is required.
REFERRAL_OUTCOMES = ("own_gp", "temporary_stay", "seh", "hospital_admission")

TEMPORARY_STAYS = _labelled("TEMPORARY_STAYS")

# -- consults with the on-call physician ----------------------------------------------------------
CONSULT_STATUSES = _labelled("CONSULT_STATUSES")
OPEN_CONSULT_STATUSES = ("requested", "acknowledged")
# Not acknowledged in this time: the next physician on call is asked, after the last one the team lead.
CONSULT_ACK_MINUTES = 10

# -- region: temporary beds and placement requests ----------------------------------------------
BED_TYPES = _labelled("BED_TYPES")
PLACEMENT_STATUSES = _labelled("PLACEMENT_STATUSES")
OPEN_PLACEMENT_STATUSES = ("requested", "offered")
STALE_CAPACITY_HOURS = 12
PLACEMENT_WAIT_ALERT_MINUTES = 30

RECIPIENT_TYPES = _labelled("RECIPIENT_TYPES")

SBAR = _labelled("SBAR")

ACTION_CATEGORIES = _labelled("ACTION_CATEGORIES")

MEDICATION_CHANGES = _labelled("MEDICATION_CHANGES")

CONSCIOUSNESS = _labelled("CONSCIOUSNESS")

NEWS2_BANDS = _labelled("NEWS2_BANDS")

RESUSCITATION = _labelled("RESUSCITATION")
HOSPITAL_ADMISSION = _labelled("HOSPITAL_ADMISSION")

CONTACT_INVOLVEMENT = _labelled("CONTACT_INVOLVEMENT")

# -- continuity: episodes and the mantelzorger's burden (issue 17) --------------------------------------
EPISODE_STATUSES = _labelled("EPISODE_STATUSES")
EDIZ_ITEMS = tuple(_LISTS["EDIZ_ITEMS"])
EDIZ_ANSWERS = _labelled("EDIZ_ANSWERS")

AUDIT_ACTIONS = _LISTS["AUDIT_ACTIONS"]


def dutch(vocabulary: dict, code: str | None) -> str:
    """Return the Dutch label of a code ('' for none, the code itself when unknown)."""
    if code is None:
        return ""
    return vocabulary.get(code, (code,))[0]


def audit_phrase(action: str) -> str:
    """Return the plain-Dutch phrase for an audit action."""
    return AUDIT_ACTIONS.get(action, "heeft uw gegevens gebruikt")


# What the PWA gets: every labelled list, code → Dutch label.
PWA_LISTS = {
    "roles": ROLE_LABELS, "teams": TEAM_KINDS, "skills": SKILLS, "urgencyLabels": URGENCY_LABELS,
    "callStatuses": CALL_STATUS_LABELS, "staffStatuses": CALL_STATUS_STAFF_LABELS,
    "categories": CATEGORIES, "sources": SOURCES, "outcomes": OUTCOMES, "temporaryStays": TEMPORARY_STAYS,
    "recipientTypes": RECIPIENT_TYPES, "sbar": SBAR, "actionCategories": ACTION_CATEGORIES,
    "medicationChanges": MEDICATION_CHANGES, "consciousness": CONSCIOUSNESS, "news2Bands": NEWS2_BANDS,
    "resuscitation": RESUSCITATION, "hospitalAdmission": HOSPITAL_ADMISSION,
    "contactInvolvement": CONTACT_INVOLVEMENT, "organisationKinds": ORGANISATION_KINDS, "bedTypes": BED_TYPES,
    "placementStatuses": PLACEMENT_STATUSES, "episodeStatuses": EPISODE_STATUSES, "edizAnswers": EDIZ_ANSWERS,
    "professions": PROFESSIONS, "consultStatuses": CONSULT_STATUSES,
}


def pwa_vocabulary() -> dict:
    """Return the vocabulary as the PWA reads it: lists of codes and code → Dutch label maps."""
    labelled = {name: {code: term[0] for code, term in terms.items()} for name, terms in PWA_LISTS.items()}
    return {**labelled, "urgencies": list(URGENCIES), "emergencyUrgencies": list(EMERGENCY_URGENCIES),
            "referralOutcomes": list(REFERRAL_OUTCOMES), "teamRoles": list(TEAM_ROLES),
            "edizItems": list(EDIZ_ITEMS)}


def write_pwa_vocabulary(path: str) -> None:
    """Write the PWA's copy of the vocabulary (generated; a test keeps it equal to this module)."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump(pwa_vocabulary(), out, ensure_ascii=False, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    write_pwa_vocabulary(sys.argv[1] if len(sys.argv) > 1 else "pwa/src/vocab.json")
