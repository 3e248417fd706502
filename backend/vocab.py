"""The one vocabulary: every closed list of codes the backend and the PWA share, with Dutch labels.

Codes are English snake_case; a labelled list maps code → (Dutch label, English label). The Dutch label is
what a user reads (UI, pages, push texts, reasons); the English one goes into exports (FHIR display).
Schemas (`OneOf`), database checks and the PWA (`pwa/src/vocab.json`, written by `python -m backend.vocab`)
all take their lists from here.
"""
import json
import sys

# -- ids -----------------------------------------------------------------------------------------
# Ids are 32-bit integers on both databases: a bigger number can't name a row (404/422, never an overflow).
MAX_ID = 2**31 - 1

# -- roles ---------------------------------------------------------------------------------------
ROLE_LABELS = {
    "nurse": ("verpleegkundige", "nurse"),
    "coordinator": ("zorgcoördinator", "coordinator"),
    "hap": ("huisartsenpost", "GP out-of-hours post"),
    "team_lead": ("teamleider", "team lead"),
    "admin": ("beheerder", "administrator"),
    "bed_manager": ("beddenbeheerder", "bed manager"),
    "regional_coordinator": ("regionaal coördinator", "regional coordinator"),
    "physician": ("arts (SO/VS/PA)", "physician (SO/NP/PA)"),
}
ROLES = tuple(ROLE_LABELS)
# The roles of a team's staff: they see their team's calls, the clients of those calls and their dossiers.
TEAM_ROLES = ("nurse", "coordinator", "team_lead")
# Who subscribes a phone to web push: a team's staff, and the physician on call (consults).
PUSH_ROLES = TEAM_ROLES + ("physician",)
# Who reads calls: a team's staff, and a HAP its organisation's calls.
CALL_READ_ROLES = ("hap",) + TEAM_ROLES
# Who reads the temporary-bed board: everyone but the administrator (who sees no care data).
CAPACITY_READ_ROLES = tuple(r for r in ROLES if r not in ("admin", "physician"))
# A physician's profession: elderly-care physician, nurse practitioner or physician assistant.
PROFESSIONS = {
    "so": ("specialist ouderengeneeskunde", "elderly-care physician"),
    "vs": ("verpleegkundig specialist", "nurse practitioner"),
    "pa": ("physician assistant", "physician assistant"),
}
# Whom a roster's shift types are for: the nurses' shifts, or the physicians' on-call duty (a roster of their own).
ROSTER_ROLES = ("nurse", "physician")
# Who else appears in a client's access log: the client (portal link) and a handover's receiver (share link).
LINK_ROLE_LABELS = {
    "portal": ("uzelf of uw naaste (via link)", "the client or a relative (link)"),
    "link": ("ontvanger overdracht (via link)", "handover recipient (link)"),
}

# -- teams ---------------------------------------------------------------------------------------
TEAM_KINDS = {
    "acute": ("Acuut wijkteam", "Acute community nursing team"),
    "fact": ("FACT-VVT crisisteam", "FACT-VVT crisis team"),
}
# Teams are rows (identity.models.Team); a team code is a short slug. The first two teams keep these codes.
TEAM_CODE_PATTERN = r"^[a-z][a-z0-9_-]{0,15}$"
DEFAULT_TEAM_CODES = ("acute", "fact")
ORGANISATION_KINDS = {
    "hap": ("Huisartsenpost", "GP out-of-hours post"),
    "care_provider": ("Zorgaanbieder", "Care provider"),
    "hospital": ("Ziekenhuis", "Hospital"),
}
AVAILABILITY = ("available", "off_duty", "busy")

# Skills and qualifications are short snake_case codes; these are the ones with a name.
SKILL_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
SKILLS = {
    "iv_therapy": ("IV-therapie", "IV therapy"),
    "palliative": ("palliatieve zorg", "palliative care"),
    "pg_crisis": ("PG-crisis", "psychogeriatric crisis"),
    "catheter": ("katheterisatie", "catheterisation"),
    "hbo": ("HBO-verpleegkundige", "bachelor-level nurse"),
    "level4": ("niveau-4-verpleegkundige", "level-4 nurse"),
    "vs": ("verpleegkundig specialist", "nurse practitioner"),
    "pa": ("physician assistant", "physician assistant"),
    "fact_vvt": ("FACT-VVT-lid", "FACT-VVT member"),
}

# -- calls ---------------------------------------------------------------------------------------
# NTS urgencies: U0/U1 are a matter for 112 and refused at intake; U2–U5 are this team's work.
EMERGENCY_URGENCIES = ("U0", "U1")
URGENCIES = ("U2", "U3", "U4", "U5")
TRIAGE_URGENCIES = EMERGENCY_URGENCIES + URGENCIES
URGENCY_LABELS = {
    "U0": ("reanimatie (bel 112)", "resuscitation (call 112)"),
    "U1": ("direct levensgevaar (bel 112)", "immediate danger to life (call 112)"),
    "U2": ("bedreiging vitale functies", "threat to vital functions"),
    "U3": ("reëel risico op schade", "real risk of harm"),
    "U4": ("klein risico", "small risk"),
    "U5": ("geen risico", "no risk"),
}

CALL_STATUS_LABELS = {
    "planned": ("Vervolgbezoek gepland", "Planned"),
    "open": ("Aangemeld", "Open"),
    "offered": ("Aangeboden aan verpleegkundige", "Offered"),
    "accepted": ("Verpleegkundige komt eraan", "Accepted"),
    "en_route": ("Verpleegkundige onderweg", "En route"),
    "on_site": ("Verpleegkundige is ter plaatse", "On site"),
    "completed": ("Afgerond", "Completed"),
    "cancelled": ("Geannuleerd", "Cancelled"),
}
CALL_STATUSES = tuple(CALL_STATUS_LABELS)
# The same states in the staff's words (the labels above are what a client reads in the portal).
CALL_STATUS_STAFF_LABELS = {
    "planned": ("Gepland", "Planned"),
    "open": ("Open", "Open"),
    "offered": ("Aangeboden", "Offered"),
    "accepted": ("Geaccepteerd", "Accepted"),
    "en_route": ("Onderweg", "En route"),
    "on_site": ("Ter plaatse", "On site"),
    "completed": ("Afgerond", "Completed"),
    "cancelled": ("Geannuleerd", "Cancelled"),
}
ACTIVE_STATUSES = ("open", "offered", "accepted", "en_route", "on_site")
HELD_STATUSES = ("accepted", "en_route", "on_site")
# A planned call (a follow-up visit, issue 17) waits for its time: not yet active work (no offer, no
# escalation, not on the running board), but it can be moved (reschedule) or cancelled. The clock opens it
# at `planned_for` minus the team's lead time: planned → open, and from there the usual machine.
PLANNED_STATUS = "planned"
CANCELLABLE_STATUSES = (PLANNED_STATUS,) + ACTIVE_STATUSES

CATEGORIES = {
    "catheter": ("Katheter / urinewegen", "Catheter / urinary tract"),
    "fall_assessment": ("Val of trauma beoordelen", "Fall or trauma assessment"),
    "nosebleed": ("Neusbloeding", "Nosebleed"),
    "diabetes": ("Ontregelde diabetes", "Unstable diabetes"),
    "wound_care": ("Wondzorg", "Wound care"),
    "obstipation": ("Obstipatie", "Constipation"),
    "pain_management": ("Pijnbestrijding", "Pain management"),
    "feeding_tube": ("Sonde-problemen", "Feeding tube problem"),
    "palliative": ("Palliatief-terminale zorg", "Palliative care"),
    "vital_signs_check": ("Extra controle vitale functies", "Vital signs check"),
    "medication": ("Medicatie toedienen", "Medication"),
    "unclear_assessment": ("Beoordeling onduidelijke hulpvraag", "Unclear request assessment"),
    "iv_therapy": ("IV-therapie", "IV therapy"),
    "alarm_followup": ("Opvolging personenalarmering", "Personal alarm follow-up"),
    "pg_crisis": ("PG-crisis (FACT-VVT)", "Psychogeriatric crisis (FACT-VVT)"),
    "post_seh_visit": ("Bezoek na SEH", "Visit after the emergency department"),
    "other": ("Overig", "Other"),
}
SOURCES = {
    "hap": ("Huisartsenpost", "GP out-of-hours post"),
    "gp": ("Huisarts", "GP"),
    "district_nurse": ("Wijkverpleging", "District nursing"),
    "alarm_centre": ("Alarmcentrale", "Alarm centre"),
    "seh": ("SEH", "Emergency department"),
    "other": ("Anders", "Other"),
}

# -- dispatch: push texts ------------------------------------------------------------------------
# A category's short name in a push title ("U2-melding: val/trauma"): a lock screen shows only ~40 characters.
CATEGORY_PUSH_LABELS = {
    "catheter": ("katheter", "catheter"), "fall_assessment": ("val/trauma", "fall/trauma"),
    "nosebleed": ("neusbloeding", "nosebleed"), "diabetes": ("ontregelde diabetes", "unstable diabetes"),
    "wound_care": ("wondzorg", "wound care"), "obstipation": ("obstipatie", "constipation"),
    "pain_management": ("pijnbestrijding", "pain"), "feeding_tube": ("sonde", "feeding tube"),
    "palliative": ("palliatieve zorg", "palliative care"), "vital_signs_check": ("controle vitale functies", "vitals"),
    "medication": ("medicatie", "medication"), "unclear_assessment": ("onduidelijke hulpvraag", "unclear request"),
    "iv_therapy": ("IV-therapie", "IV therapy"), "alarm_followup": ("alarmopvolging", "alarm follow-up"),
    "pg_crisis": ("PG-crisis", "psychogeriatric crisis"), "post_seh_visit": ("na SEH-bezoek", "after ED visit"),
    "other": ("overig", "other"),
}

# -- visits, handovers and the dossier -----------------------------------------------------------
OUTCOMES = {
    "home_resolved": ("Thuis opgelost", "Resolved at home"),
    "follow_up_visit": ("Vervolgbezoek", "Follow-up visit"),
    "own_gp": ("Terug naar eigen huisarts", "Back to own GP"),
    "temporary_stay": ("Tijdelijk verblijf", "Temporary stay"),
    "seh": ("Spoedeisende hulp (SEH)", "Emergency department"),
    "hospital_admission": ("Ziekenhuisopname", "Hospital admission"),
    "regular_home_care": ("Terug naar reguliere thuiszorg", "Back to regular home care"),
    "deceased": ("Overleden", "Deceased"),
}
# Outcomes that send the client on: a referral question ("vraagstelling") is required.
REFERRAL_OUTCOMES = ("own_gp", "temporary_stay", "seh", "hospital_admission")

TEMPORARY_STAYS = {
    "elv": ("Eerstelijnsverblijf (ELV)", "Primary-care short stay"),
    "grz": ("Geriatrische revalidatiezorg (GRZ)", "Geriatric rehabilitation"),
    "wlz_crisis": ("Wlz-crisisbed", "Long-term care crisis bed"),
    "wijkkliniek": ("Wijkkliniek / herstelkliniek", "Neighbourhood clinic"),
}

# -- consults with the on-call physician ----------------------------------------------------------
CONSULT_STATUSES = {
    "requested": ("Gevraagd", "Requested"),
    "acknowledged": ("Arts belt terug", "Acknowledged"),
    "advised": ("Advies gegeven", "Advised"),
}
OPEN_CONSULT_STATUSES = ("requested", "acknowledged")
# Not acknowledged in this time: the next physician on call is asked, after the last one the team lead.
CONSULT_ACK_MINUTES = 10

# -- region: temporary beds and placement requests ----------------------------------------------
BED_TYPES = {
    "elv_low": ("ELV laagcomplex", "Primary-care short stay, low complexity"),
    "elv_high": ("ELV hoogcomplex", "Primary-care short stay, high complexity"),
    "elv_palliative": ("ELV palliatief", "Primary-care short stay, palliative"),
    "grz": ("GRZ (geriatrische revalidatie)", "Geriatric rehabilitation"),
    "wlz_crisis": ("Wlz-crisisbed", "Long-term care crisis bed"),
    "wijkkliniek": ("Wijkkliniek / herstelkliniek", "Neighbourhood clinic"),
}
PLACEMENT_STATUSES = {
    "requested": ("Aangevraagd", "Requested"),
    "offered": ("Voorgelegd aan locatie", "Offered"),
    "accepted": ("Geaccepteerd", "Accepted"),
    "admitted": ("Opgenomen", "Admitted"),
    "cancelled": ("Geannuleerd", "Cancelled"),
}
OPEN_PLACEMENT_STATUSES = ("requested", "offered")
STALE_CAPACITY_HOURS = 12
PLACEMENT_WAIT_ALERT_MINUTES = 30

RECIPIENT_TYPES = {
    "home_care": ("Reguliere thuiszorg", "Regular home care"),
    "gp": ("Eigen huisarts", "Own GP"),
    "temporary_stay": ("Tijdelijk verblijf (ELV, GRZ, Wlz-crisis, wijkkliniek)", "Temporary stay"),
    "seh": ("Spoedeisende hulp (SEH)", "Emergency department"),
    "team": ("Collega acute team / FACT-VVT", "Acute-team or FACT-VVT colleague"),
}

SBAR = {
    "situation": ("Situatie", "Situation"),
    "background": ("Achtergrond", "Background"),
    "assessment": ("Beoordeling", "Assessment"),
    "recommendation": ("Advies", "Recommendation"),
}

ACTION_CATEGORIES = {
    "assessment": ("Beoordeling en observatie", "Assessment and observation"),
    "catheter": ("Katheterzorg", "Catheter care"),
    "wound_care": ("Wondzorg", "Wound care"),
    "medication": ("Medicatie", "Medication"),
    "iv_therapy": ("Intraveneuze therapie", "IV therapy"),
    "feeding_tube": ("Sondevoeding", "Feeding tube"),
    "bowel_care": ("Obstipatiezorg", "Bowel care"),
    "adl": ("ADL-hulp", "Help with daily living"),
    "comfort": ("Comfortzorg en pijnbestrijding", "Comfort and pain care"),
    "mobility": ("Mobiliteit en valpreventie", "Mobility and falls"),
    "psychosocial": ("Psychosociale ondersteuning", "Psychosocial support"),
    "coordination": ("Overleg en regie", "Consultation and coordination"),
    "other": ("Overig", "Other"),
}

MEDICATION_CHANGES = {
    "given": ("Toegediend", "Given"),
    "started": ("Gestart", "Started"),
    "changed": ("Gewijzigd", "Changed"),
    "stopped": ("Gestopt", "Stopped"),
}

CONSCIOUSNESS = {
    "A": ("Alert", "Alert"),
    "C": ("Nieuwe verwardheid", "New confusion"),
    "V": ("Reageert op aanspreken", "Responds to voice"),
    "P": ("Reageert op pijnprikkel", "Responds to pain"),
    "U": ("Reageert niet", "Unresponsive"),
}

NEWS2_BANDS = {
    "low": ("Laag", "Low"),
    "low_medium": ("Laag-midden (één parameter rood)", "Low-medium (single red score)"),
    "medium": ("Midden", "Medium"),
    "high": ("Hoog", "High"),
}

# Advance care planning (behandelwensen).
RESUSCITATION = {
    "yes": ("Wel reanimeren", "Resuscitate"),
    "no": ("Niet reanimeren", "Do not resuscitate"),
    "unknown": ("Niet besproken", "Not discussed"),
}
HOSPITAL_ADMISSION = {
    "yes": ("Ziekenhuisopname gewenst", "Hospital admission wanted"),
    "no": ("Geen ziekenhuisopname", "No hospital admission"),
    "after_consultation": ("Alleen na overleg", "Only after consultation"),
    "unknown": ("Niet besproken", "Not discussed"),
}

CONTACT_INVOLVEMENT = {
    "representative": ("Wettelijk vertegenwoordiger, beslist mee", "Legal representative"),
    "first_contact": ("Eerste contactpersoon", "First contact"),
    "keep_informed": ("Op de hoogte houden", "Keep informed"),
    "emergencies_only": ("Alleen bij spoed", "Emergencies only"),
    "do_not_contact": ("Niet benaderen", "Do not contact"),
}

# -- continuity: episodes and the mantelzorger's burden (issue 17) --------------------------------------
EPISODE_STATUSES = {
    "active": ("Lopend", "Active"),
    "closed": ("Afgesloten, terug naar reguliere zorg", "Closed, handed back to regular care"),
}
# EDIZ (Ervaren Druk door Informele Zorg; Pot, Van Dyck & Deeg 1995): nine statements, each answered on five
# points; the scoring is in backend/episodes/ediz.py.
EDIZ_ITEMS = (
    "Door de situatie van mijn naaste kom ik te weinig aan mijn eigen leven toe.",
    "Het combineren van de verantwoordelijkheid voor mijn naaste en die voor mijn werk en/of gezin valt niet mee.",
    "Door mijn betrokkenheid bij mijn naaste doe ik anderen tekort.",
    "Ik moet altijd maar klaarstaan voor mijn naaste.",
    "Mijn zelfstandigheid komt in de knel.",
    "De situatie van mijn naaste eist voortdurend mijn aandacht.",
    "Door mijn betrokkenheid bij mijn naaste krijg ik conflicten thuis en/of op mijn werk.",
    "De situatie van mijn naaste laat mij nooit los.",
    "Ik voel me over het geheel genomen erg onder druk staan door de situatie van mijn naaste.",
)
EDIZ_ANSWERS = {
    "0": ("Nee!", "No!"), "1": ("Nee", "No"), "2": ("Min of meer", "More or less"),
    "3": ("Ja", "Yes"), "4": ("Ja!", "Yes!"),
}

# What an audit action means, in words a client understands (NEN 7513 client view).
AUDIT_ACTIONS = {
    "client.create": "heeft uw gegevens vastgelegd", "client.read": "heeft uw gegevens bekeken",
    "client.lookup": "heeft u opgezocht", "client.match": "herkende u als bestaande cliënt bij een nieuwe melding",
    "client.position": "legde de plek van uw adres op de kaart vast",
    "call.create": "heeft een melding voor u aangemaakt",
    "call.read": "heeft uw melding bekeken", "call.list": "zag uw melding in een overzicht",
    "call.events": "heeft het verloop van uw melding bekeken", "call.complete": "heeft uw melding afgerond",
    "visit.create": "is bij u op bezoek gekomen", "visit.read": "heeft uw bezoekverslag bekeken",
    "visit.list": "zag uw bezoek in een overzicht", "visit.update": "heeft uw bezoekverslag bijgewerkt",
    "visit.complete": "heeft het bezoek afgerond", "vitals.create": "heeft metingen vastgelegd",
    "note.create": "heeft een notitie geschreven", "wishes.read": "heeft uw wensen bekeken",
    "wishes.update": "heeft uw wensen vastgelegd", "contact.create": "heeft een contactpersoon toegevoegd",
    "contact.remove": "heeft een contactpersoon verwijderd", "handover.create": "heeft een overdracht geschreven",
    "handover.read": "heeft een overdracht bekeken", "handover.list": "zag een overdracht in een overzicht",
    "handover.fhir": "heeft een overdracht uitgewisseld (FHIR)", "handover.revoke": "heeft een overdrachtslink ingetrokken",
    "handover.shared.read": "heeft de overdracht gelezen", "handover.shared.acknowledge": "heeft de overdracht ontvangen",
    "portal_link.create": "heeft een inzagelink gemaakt", "portal_link.revoke": "heeft een inzagelink ingetrokken",
    "portal_link.list": "heeft de inzagelinks bekeken", "portal.read": "heeft uw dossier ingezien",
    "sync.pull": "had uw gegevens op de telefoon voor het bezoek", "write.replay": "heeft een verzoek herhaald",
    "placement.create": "heeft een tijdelijk bed voor u aangevraagd",
    "placement.read": "heeft uw aanvraag voor een tijdelijk bed bekeken",
    "placement.list": "zag uw aanvraag voor een tijdelijk bed in een overzicht",
    "placement.events": "heeft het verloop van uw aanvraag voor een tijdelijk bed bekeken",
    "placement.offer": "heeft uw aanvraag aan een zorglocatie voorgelegd",
    "placement.accept": "heeft een bed voor u toegezegd", "placement.decline": "kon u geen bed bieden",
    "placement.admitted": "heeft uw opname vastgelegd", "placement.cancel": "heeft uw aanvraag geannuleerd",
    "consult.create": "vroeg een arts om overleg over u", "consult.read": "(arts) heeft de overlegvraag over u bekeken",
    "consult.list": "zag een overlegvraag over u in een overzicht",
    "consult.acknowledge": "(arts) heeft de overlegvraag over u aangenomen",
    "consult.advice": "(arts) heeft een advies over u gegeven",
    "call.plan": "heeft een vervolgbezoek bij u gepland", "call.reschedule": "heeft uw vervolgbezoek verzet",
    "call.open": "zette uw geplande bezoek klaar voor de verpleegkundigen",
    "episode.create": "is een zorgperiode (episode) met u begonnen", "episode.read": "heeft uw zorgperiode bekeken",
    "episode.list": "zag uw zorgperiode in een overzicht", "episode.update": "heeft uw zorgperiode bijgewerkt",
    "episode.close": "heeft uw zorgperiode afgesloten en u overgedragen",
    "ediz.create": "heeft de belasting van uw mantelzorger vastgelegd",
}


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
