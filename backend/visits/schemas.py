"""HTTP shapes of visits, vitals, notes, handovers, wishes, contacts, portal links and sync."""
import marshmallow as ma
from marshmallow import fields, validate

from backend import vocab
from backend.api import ID, AutoSchema
from backend.audit.models import AuditEvent
from backend.clients.models import Client
from backend.clients.schemas import ClientSchema
from backend.consults.models import Consult
from backend.dispatch.models import Call
from backend.dispatch.schemas import CallSchema
from backend.visits.models import ClientContact, Handover, PortalLink, Visit, VisitNote, VitalSigns
from backend.visits.vitals import PLAUSIBLE
from backend.visits.wishes import Wishes

UUID = fields.UUID


def _choice(vocabulary):
    return validate.OneOf(list(vocabulary))


def _text(maximum=5000, **kw):
    return fields.String(validate=validate.Length(min=1, max=maximum), **kw)


# -- requests ------------------------------------------------------------------------------------

class ActionSchema(ma.Schema):
    category = fields.String(required=True, validate=_choice(vocab.ACTION_CATEGORIES))
    action = _text(200, required=True)


class MedicationSchema(ma.Schema):
    name = _text(120, required=True)
    change = fields.String(required=True, validate=_choice(vocab.MEDICATION_CHANGES))
    dose = fields.String(validate=validate.Length(max=120), load_default=None)
    route = fields.String(validate=validate.Length(max=60), load_default=None)
    note = fields.String(validate=validate.Length(max=500), load_default=None)


class VisitCreateSchema(ma.Schema):
    id = UUID(load_default=None)
    call_id = fields.Integer(required=True, validate=ID)
    arrived_at = fields.AwareDateTime(load_default=None)
    previous_visit_id = UUID(load_default=None)


class VisitPatchSchema(ma.Schema):
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    arrived_at = fields.AwareDateTime(allow_none=True)
    departed_at = fields.AwareDateTime(allow_none=True)
    actions = fields.List(fields.Nested(ActionSchema), validate=validate.Length(max=100))
    actions_note = fields.String(allow_none=True, validate=validate.Length(max=5000))
    medication = fields.List(fields.Nested(MedicationSchema), validate=validate.Length(max=100))
    client_informed = fields.Boolean(allow_none=True)
    mantelzorger_informed = fields.Boolean(allow_none=True)


def _vital(name, kind=fields.Integer, **kw):
    # Ranges are checked in the service (vitals.implausible), with the Dutch message naming the range.
    assert name in PLAUSIBLE
    return kind(**kw)


class VitalsCreateSchema(ma.Schema):
    id = UUID(load_default=None)
    measured_at = fields.AwareDateTime(required=True)
    resp_rate = _vital("resp_rate", required=True)
    spo2 = _vital("spo2", required=True)
    spo2_scale = fields.Integer(load_default=1, validate=validate.OneOf([1, 2]))
    on_oxygen = fields.Boolean(required=True)
    systolic_bp = _vital("systolic_bp", required=True)
    heart_rate = _vital("heart_rate", required=True)
    consciousness = fields.String(required=True, validate=_choice(vocab.CONSCIOUSNESS))
    temperature = _vital("temperature", fields.Float, required=True)
    glucose = _vital("glucose", fields.Float, load_default=None, allow_none=True)
    pain = _vital("pain", load_default=None, allow_none=True)


class NoteCreateSchema(ma.Schema):
    id = UUID(load_default=None)
    text = _text(required=True)
    recorded_at = fields.AwareDateTime(load_default=None)


class VisitCompleteSchema(ma.Schema):
    outcome = fields.String(required=True, validate=_choice(vocab.OUTCOMES))
    outcome_detail = fields.String(load_default=None, allow_none=True, validate=_choice(vocab.TEMPORARY_STAYS))
    referral_question = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    follow_up_at = fields.AwareDateTime(load_default=None, allow_none=True)
    departed_at = fields.AwareDateTime(load_default=None, allow_none=True)


class HandoverCreateSchema(ma.Schema):
    id = UUID(load_default=None)
    visit_id = UUID(required=True)
    recipient_type = fields.String(required=True, validate=_choice(vocab.RECIPIENT_TYPES))
    recipient_name = _text(200, required=True)
    situation = _text(required=True)
    background = _text(required=True)
    assessment = _text(required=True)
    recommendation = _text(required=True)
    expires_in_hours = fields.Integer(load_default=72, validate=validate.Range(min=1, max=24 * 30))


class AcknowledgeSchema(ma.Schema):
    name = _text(120, required=True)


class PortalLinkCreateSchema(ma.Schema):
    recipient_name = _text(120, required=True)
    expires_in_days = fields.Integer(load_default=14, validate=validate.Range(min=1, max=90))


class WishesUpdateSchema(ma.Schema):
    version = fields.Integer(load_default=None, validate=validate.Range(min=1))
    resuscitation = fields.String(validate=_choice(vocab.RESUSCITATION))
    hospital_admission = fields.String(validate=_choice(vocab.HOSPITAL_ADMISSION))
    preferred_place_of_care = fields.String(allow_none=True, validate=validate.Length(max=200))
    preferred_place_of_death = fields.String(allow_none=True, validate=validate.Length(max=200))
    other_agreements = fields.String(allow_none=True, validate=validate.Length(max=5000))
    agreed_with = fields.String(allow_none=True, validate=validate.Length(max=200))
    agreed_on = fields.Date(allow_none=True)
    gp_phone = fields.String(allow_none=True, validate=validate.Length(max=30))
    home_care_provider = fields.String(allow_none=True, validate=validate.Length(max=120))
    home_care_phone = fields.String(allow_none=True, validate=validate.Length(max=30))


class ContactCreateSchema(ma.Schema):
    id = UUID(load_default=None)
    name = _text(120, required=True)
    relation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=120))
    is_mantelzorger = fields.Boolean(load_default=False)
    involvement = fields.String(load_default="keep_informed", validate=_choice(vocab.CONTACT_INVOLVEMENT))
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class TokenPathSchema(ma.Schema):
    """A link token (ours are 43 characters); any other string of a sane length is simply unknown: 404."""

    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class VisitQueryArgsSchema(ma.Schema):
    call_id = fields.Integer(validate=ID)
    client_id = fields.Integer(validate=ID)


class HandoverQueryArgsSchema(ma.Schema):
    visit_id = UUID()
    unacknowledged = fields.Boolean(load_default=False)


class SyncPullArgsSchema(ma.Schema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=100))


# -- responses -----------------------------------------------------------------------------------

def _label(vocabulary: dict, name: str, **kw):
    """The Dutch label of the code in attribute `name`."""
    return fields.Function(lambda obj: vocab.dutch(vocabulary, getattr(obj, name)), **kw)


class Whole(fields.Nested):
    """Some of the object's own columns, shown as one nested object (a measurement's NEWS2)."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return obj


class News2Schema(ma.Schema):
    score = fields.Integer(attribute="news2_score")
    band = fields.String(attribute="news2_band")
    band_label = _label(vocab.NEWS2_BANDS, "news2_band")


class VitalsSchema(AutoSchema, model=VitalSigns, exclude=("news2_score", "news2_band")):
    news2 = Whole(News2Schema)


class NoteSchema(AutoSchema, model=VisitNote):
    """A note appended to a visit."""


class ContactSchema(AutoSchema, model=ClientContact, exclude=("created_at", "removed_at")):
    involvement_label = _label(vocab.CONTACT_INVOLVEMENT, "involvement")


class WishesSchema(AutoSchema, dataclass=Wishes, exclude=("contacts",)):
    """A client's wishes as shown on every visit and in sync."""

    resuscitation_label = _label(vocab.RESUSCITATION, "resuscitation")
    hospital_admission_label = _label(vocab.HOSPITAL_ADMISSION, "hospital_admission")


class WishesWithContactsSchema(WishesSchema, exclude=()):
    """The wishes endpoints' answer: the wishes and the client's current contacts."""

    contacts = fields.List(fields.Nested(ContactSchema))


class VisitConsultSchema(AutoSchema,
        model=Consult,
        exclude=("call_id", "team", "nurse_id", "escalate_at", "lead_alerted_at", "seconds_to_acknowledge",
                 "seconds_to_advice", "updated_at", "version")):
    """A consult of the visit as the nurse sees it: her question, its status, the physician's advice."""

    physician_name = fields.String(allow_none=True)
    status_label = _label(vocab.CONSULT_STATUSES, "status")


class VisitSchema(AutoSchema, model=Visit):
    """A visit (a `service.VisitRecord`) with its vitals and notes, and the client's wishes and contacts."""

    outcome_label = fields.Function(lambda v: vocab.dutch(vocab.OUTCOMES, v.outcome) or None, allow_none=True)
    vitals = fields.List(fields.Nested(VitalsSchema))
    notes = fields.List(fields.Nested(NoteSchema))
    latest_news2 = fields.Nested(News2Schema, attribute="latest_vitals", allow_none=True)
    wishes = fields.Nested(WishesSchema)
    contacts = fields.List(fields.Nested(ContactSchema))
    consults = fields.List(fields.Nested(VisitConsultSchema))


class HandoverSchema(AutoSchema, model=Handover, exclude=("token_hash", "ack_alerted_at", "updated_at")):
    """A handover; `wishes` and `contacts` are what the record held when it was written."""

    recipient_type_label = _label(vocab.RECIPIENT_TYPES, "recipient_type")


class TeamHandoverSchema(HandoverSchema):
    """A handover as staff of its team read it: with the on-call physician's advice, as its recipient sees it."""

    consult_advice = fields.List(fields.String())


class HandoverCreatedSchema(HandoverSchema):
    share_token = fields.String()
    share_url = fields.String()


class PortalClientSchema(AutoSchema,
        model=Client,
        fields=("name", "birth_date", "address", "postcode", "city", "phone", "gp_name")):
    """The client as she reads her own record (no BSN)."""


class SharedClientSchema(PortalClientSchema, fields=PortalClientSchema.Meta.fields + ("bsn",)):
    """The client as a handover's recipient sees it: with the BSN."""


class SharedHandoverSchema(HandoverSchema,
        exclude=HandoverSchema.Meta.exclude + ("visit_id", "call_id", "client_id", "author_id", "revoked_at")):
    """What the recipient of a handover link sees: the handover, the client and the visit's outcome."""

    author_name = fields.String()
    team = fields.String(attribute="team_name")
    client = fields.Nested(SharedClientSchema)
    outcome = fields.String(attribute="visit.outcome", allow_none=True)
    outcome_label = fields.Function(lambda s: vocab.dutch(vocab.OUTCOMES, s.visit.outcome) or None, allow_none=True)
    outcome_detail = fields.String(attribute="visit.outcome_detail", allow_none=True)
    referral_question = fields.String(attribute="visit.referral_question", allow_none=True)
    latest_vitals = fields.Nested(VitalsSchema, allow_none=True)
    consult_advice = fields.List(fields.String())


class AcknowledgementSchema(AutoSchema, model=Handover, fields=("acknowledged_at", "acknowledged_by")):
    """Who confirmed receipt of a handover, and when."""


class FhirBundleSchema(ma.Schema):
    """A FHIR STU3 Bundle of type document (built by fhir.build_handover_bundle)."""

    resource_type = fields.String(data_key="resourceType", attribute="resourceType")
    id = fields.String()
    language = fields.String()
    identifier = fields.Dict()
    type = fields.String()
    entry = fields.List(fields.Dict())


class PortalLinkSummarySchema(AutoSchema, model=PortalLink, exclude=("token_hash", "created_by_id", "revoked_by_id")):
    """A portal link as its list shows it: never the token."""


class PortalLinkSchema(PortalLinkSummarySchema):
    """A new link: the summary plus its token and URL, shown only this once."""

    token = fields.String()
    url = fields.String()


class PortalLinkInfoSchema(AutoSchema, model=PortalLink, fields=("recipient_name", "expires_at")):
    """What the portal shows of its own link: for whom, and until when."""


class PortalCallSchema(AutoSchema,
        model=Call,
        fields=("id", "created_at", "category", "category_label", "complaint", "status", "status_label", "closed_at",
                "closing_note")):
    category_label = _label(vocab.CATEGORIES, "category")
    status_label = _label(vocab.CALL_STATUS_LABELS, "status")


class AccessLogSchema(AutoSchema,
        model=AuditEvent,
        fields=("at", "who", "role", "role_label", "on_behalf_of", "action", "what", "data", "refused")):
    """Who looked at the client's record, in words the client understands."""

    who = fields.Function(lambda e: e.user_name or "onbekend")
    role_label = _label({**vocab.ROLE_LABELS, **vocab.LINK_ROLE_LABELS}, "role")
    what = fields.Function(lambda e: vocab.audit_phrase(e.action))
    refused = fields.Function(lambda e: e.outcome != "ok")


class PortalVitalsSchema(VitalsSchema, exclude=VitalsSchema.Meta.exclude + ("recorded_by_id",)):
    """Vitals as the client sees them: no internal staff ids (issue 12, finding 12)."""


class PortalNoteSchema(NoteSchema, exclude=("author_id",)):
    """A visit note as the client reads it."""


class PortalConsultSchema(VisitConsultSchema, exclude=VisitConsultSchema.Meta.exclude + ("physician_id",)):
    """A consult as the client reads it: without the physician's id."""


class PortalVisitSchema(VisitSchema, exclude=("wishes", "contacts", "version", "nurse_id")):
    vitals = fields.List(fields.Nested(PortalVitalsSchema))
    notes = fields.List(fields.Nested(PortalNoteSchema))
    consults = fields.List(fields.Nested(PortalConsultSchema))


class PortalHandoverSchema(HandoverSchema,
        exclude=HandoverSchema.Meta.exclude + ("call_id", "client_id", "team", "author_id", "wishes", "contacts",
                                               "expires_at", "revoked_at")):
    """A handover as the client reads it: its text, not its routing or its copies."""


class PortalSchema(ma.Schema):
    """The client's own record (a `portal.Dossier`)."""

    link = fields.Nested(PortalLinkInfoSchema)
    client = fields.Nested(PortalClientSchema)
    wishes = fields.Nested(WishesSchema)
    contacts = fields.List(fields.Nested(ContactSchema))
    calls = fields.List(fields.Nested(PortalCallSchema))
    visits = fields.List(fields.Nested(PortalVisitSchema))
    handovers = fields.List(fields.Nested(PortalHandoverSchema))
    access_log = fields.List(fields.Nested(AccessLogSchema))


class SyncContactSchema(ContactSchema):
    removed = fields.Function(lambda c: c.removed_at is not None)


class SyncPullSchema(ma.Schema):
    """A sync pull (a `sync.Pull`)."""

    cursor = fields.String()
    full = fields.Boolean()
    current_call_ids = fields.List(fields.Integer())
    calls = fields.List(fields.Nested(CallSchema))
    clients = fields.List(fields.Nested(ClientSchema))
    wishes = fields.List(fields.Nested(WishesSchema))
    contacts = fields.List(fields.Nested(SyncContactSchema))
    visits = fields.List(fields.Nested(VisitSchema))
    handovers = fields.List(fields.Nested(HandoverSchema))
