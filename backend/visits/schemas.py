"""HTTP shapes of visits, vitals, notes, handovers, wishes, contacts, portal links and sync."""
import marshmallow as ma
from marshmallow import fields, validate

from backend.visits import vocab
from backend.visits.vitals import PLAUSIBLE

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
    call_id = fields.Integer(required=True, validate=validate.Range(min=1))
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
    call_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    client_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class HandoverQueryArgsSchema(ma.Schema):
    visit_id = UUID()
    unacknowledged = fields.Boolean(load_default=False)


class SyncPullArgsSchema(ma.Schema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=100))


# -- responses -----------------------------------------------------------------------------------

class WishesSchema(ma.Schema):
    client_id = fields.Integer()
    resuscitation = fields.String()
    resuscitation_label = fields.Function(lambda w: vocab.dutch(vocab.RESUSCITATION, w["resuscitation"]))
    hospital_admission = fields.String()
    hospital_admission_label = fields.Function(
        lambda w: vocab.dutch(vocab.HOSPITAL_ADMISSION, w["hospital_admission"]))
    preferred_place_of_care = fields.String(allow_none=True)
    preferred_place_of_death = fields.String(allow_none=True)
    other_agreements = fields.String(allow_none=True)
    agreed_with = fields.String(allow_none=True)
    agreed_on = fields.Date(allow_none=True)
    gp_name = fields.String(allow_none=True)
    gp_phone = fields.String(allow_none=True)
    home_care_provider = fields.String(allow_none=True)
    home_care_phone = fields.String(allow_none=True)
    recorded = fields.Boolean()
    updated_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    contacts = fields.List(fields.Dict())  # on GET/PUT /clients/{id}/wishes: ContactSchema, already dumped


class ContactSchema(ma.Schema):
    id = fields.String()
    client_id = fields.Integer()
    name = fields.String()
    relation = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    is_mantelzorger = fields.Boolean()
    involvement = fields.String()
    involvement_label = fields.Function(lambda c: vocab.dutch(vocab.CONTACT_INVOLVEMENT, c["involvement"]))
    notes = fields.String(allow_none=True)
    updated_at = fields.DateTime()


class News2Schema(ma.Schema):
    score = fields.Integer()
    band = fields.String()
    band_label = fields.Function(lambda n: vocab.dutch(vocab.NEWS2_BANDS, n["band"]))


class VitalsSchema(ma.Schema):
    id = fields.String()
    visit_id = fields.String()
    measured_at = fields.DateTime()
    resp_rate = fields.Integer()
    spo2 = fields.Integer()
    spo2_scale = fields.Integer()
    on_oxygen = fields.Boolean()
    systolic_bp = fields.Integer()
    heart_rate = fields.Integer()
    consciousness = fields.String()
    temperature = fields.Float()
    glucose = fields.Float(allow_none=True)
    pain = fields.Integer(allow_none=True)
    news2 = fields.Function(lambda v: News2Schema().dump({"score": v.news2_score, "band": v.news2_band}))
    recorded_by_id = fields.Integer()
    created_at = fields.DateTime()


class NoteSchema(ma.Schema):
    id = fields.String()
    visit_id = fields.String()
    author_id = fields.Integer()
    text = fields.String()
    recorded_at = fields.DateTime()
    created_at = fields.DateTime()


class VisitSchema(ma.Schema):
    id = fields.String()
    call_id = fields.Integer()
    client_id = fields.Integer()
    nurse_id = fields.Integer()
    team = fields.String()
    previous_visit_id = fields.String(allow_none=True)
    status = fields.String()
    arrived_at = fields.DateTime(allow_none=True)
    departed_at = fields.DateTime(allow_none=True)
    actions = fields.List(fields.Dict())
    actions_note = fields.String(allow_none=True)
    medication = fields.List(fields.Dict())
    client_informed = fields.Boolean(allow_none=True)
    mantelzorger_informed = fields.Boolean(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_label = fields.Function(lambda v: vocab.dutch(vocab.OUTCOMES, v["outcome"]) or None)
    outcome_detail = fields.String(allow_none=True)
    referral_question = fields.String(allow_none=True)
    follow_up_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer()
    vitals = fields.List(fields.Nested(VitalsSchema))
    notes = fields.List(fields.Nested(NoteSchema))
    latest_news2 = fields.Dict(allow_none=True)
    wishes = fields.Dict()  # WishesSchema, already dumped (the same view is shown on calls and in sync)
    contacts = fields.List(fields.Dict())  # ContactSchema, already dumped


class HandoverSchema(ma.Schema):
    id = fields.String()
    visit_id = fields.String()
    call_id = fields.Integer()
    client_id = fields.Integer()
    team = fields.String()
    author_id = fields.Integer()
    recipient_type = fields.String()
    recipient_type_label = fields.Function(lambda h: vocab.dutch(vocab.RECIPIENT_TYPES, h.recipient_type))
    recipient_name = fields.String()
    situation = fields.String()
    background = fields.String()
    assessment = fields.String()
    recommendation = fields.String()
    medication_changes = fields.List(fields.Dict())
    wishes = fields.Dict()
    contacts = fields.List(fields.Dict())
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.String(allow_none=True)
    created_at = fields.DateTime()


class HandoverCreatedSchema(HandoverSchema):
    share_token = fields.String()
    share_url = fields.String()


class SharedHandoverSchema(ma.Schema):
    """What the recipient of a handover link sees: the handover, the client and the visit's outcome."""

    id = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    author_name = fields.String()
    team = fields.String()
    recipient_type = fields.String()
    recipient_type_label = fields.String()
    recipient_name = fields.String()
    client = fields.Dict()
    situation = fields.String()
    background = fields.String()
    assessment = fields.String()
    recommendation = fields.String()
    medication_changes = fields.List(fields.Dict())
    wishes = fields.Dict()
    contacts = fields.List(fields.Dict())
    outcome = fields.String(allow_none=True)
    outcome_label = fields.String(allow_none=True)
    outcome_detail = fields.String(allow_none=True)
    referral_question = fields.String(allow_none=True)
    latest_vitals = fields.Dict(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.String(allow_none=True)


class AcknowledgementSchema(ma.Schema):
    acknowledged_at = fields.DateTime()
    acknowledged_by = fields.String()


class PortalLinkSummarySchema(ma.Schema):
    id = fields.String()
    client_id = fields.Integer()
    recipient_name = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class PortalLinkSchema(PortalLinkSummarySchema):
    """A new link: the summary plus its token and URL, shown only this once."""

    token = fields.String()
    url = fields.String()


class PortalSchema(ma.Schema):
    client = fields.Dict()
    wishes = fields.Dict()
    contacts = fields.List(fields.Dict())
    calls = fields.List(fields.Dict())
    visits = fields.List(fields.Dict())
    handovers = fields.List(fields.Dict())
    access_log = fields.List(fields.Dict())
    link = fields.Dict()


class SyncPullSchema(ma.Schema):
    cursor = fields.String()
    full = fields.Boolean()
    current_call_ids = fields.List(fields.Integer())
    calls = fields.List(fields.Dict())
    clients = fields.List(fields.Dict())
    wishes = fields.List(fields.Nested(WishesSchema))
    contacts = fields.List(fields.Dict())
    visits = fields.List(fields.Nested(VisitSchema))
    handovers = fields.List(fields.Nested(HandoverSchema))
