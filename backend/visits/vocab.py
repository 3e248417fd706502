"""The words of visits and handovers: code (English, snake_case) → Dutch label and English label.

One place for every closed list, so schemas (OneOf), the database checks, the FHIR export and the
plain-Dutch pages use the same codes.
"""

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


def dutch(vocabulary: dict, code: str | None) -> str:
    """Return the Dutch label of a code ('' for none, the code itself when unknown)."""
    if code is None:
        return ""
    return vocabulary.get(code, (code,))[0]

CALL_STATUSES = {
    "open": "Aangemeld", "offered": "Aangeboden aan verpleegkundige", "accepted": "Verpleegkundige komt eraan",
    "en_route": "Verpleegkundige onderweg", "on_site": "Verpleegkundige is bij u", "completed": "Afgerond",
    "cancelled": "Geannuleerd",
}
CALL_CATEGORIES = {
    "catheter": "Katheter of plassen", "fall_assessment": "Na een val", "nosebleed": "Neusbloeding",
    "diabetes": "Ontregelde suiker", "wound_care": "Wondzorg", "obstipation": "Verstopping",
    "pain_management": "Pijn", "feeding_tube": "Sondevoeding", "palliative": "Palliatieve zorg",
    "vital_signs_check": "Controle van lichaamsfuncties", "medication": "Medicatie",
    "unclear_assessment": "Beoordeling thuis", "iv_therapy": "Infuus", "alarm_followup": "Na een alarmmelding",
    "pg_crisis": "Crisis (psychogeriatrie)", "post_seh_visit": "Na bezoek aan de SEH", "other": "Overig",
}
ROLES = {
    "nurse": "verpleegkundige", "coordinator": "zorgcoördinator", "hap": "huisartsenpost",
    "team_lead": "teamleider", "admin": "beheerder", "portal": "uzelf of uw naaste (via link)",
    "link": "ontvanger overdracht (via link)",
}
# What an audit action means, in words a client understands (NEN 7513 client view).
AUDIT_ACTIONS = {
    "client.create": "heeft uw gegevens vastgelegd", "client.read": "heeft uw gegevens bekeken",
    "client.lookup": "heeft u opgezocht", "call.create": "heeft een melding voor u aangemaakt",
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
}


def audit_phrase(action: str) -> str:
    """Return the plain-Dutch phrase for an audit action."""
    return AUDIT_ACTIONS.get(action, "heeft uw gegevens gebruikt")
