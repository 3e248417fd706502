"""Visits, vitals, notes, handovers (and their shared links), wishes, portal links, the portal and sync.

Writes a phone may replay are idempotent (`@blp.endpoint(idempotent=…)`): a replay gets the stored answer, byte
for byte.
"""
from flask import current_app, request
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock, request_meta
from backend.db import get_session
from backend.visits import handovers, portal, service, sync, wishes
from backend.visits.pages import pages
from backend.visits.schemas import (
    AcknowledgementSchema, AcknowledgeSchema, ContactCreateSchema, ContactSchema, FhirBundleSchema,
    HandoverCreatedSchema, HandoverCreateSchema, HandoverQueryArgsSchema, HandoverSchema, NoteCreateSchema,
    NoteSchema, PortalLinkCreateSchema, PortalLinkSchema, PortalLinkSummarySchema, PortalSchema,
    SharedHandoverSchema, SyncPullArgsSchema, SyncPullSchema, TeamHandoverSchema, TokenPathSchema, VisitCompleteSchema,
    VisitCreateSchema, VisitPatchSchema, VisitQueryArgsSchema, VisitSchema, VitalsCreateSchema, VitalsSchema,
    WishesUpdateSchema, WishesWithContactsSchema,
)
from backend.vocab import TEAM_ROLES

blp = Blueprint("visits", __name__, url_prefix="/api", description="Visits, handovers, dossier, sync")


def _base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url


def _share_key() -> str:
    """The key share tokens are derived under (so a replay re-derives the link; it is never stored)."""
    return current_app.config["SECRET_KEY"]


def _restore_share_link(session, answer: dict) -> dict:
    return handovers.with_share_link(session, answer=answer, share_key=_share_key(), base_url=_base_url())


# Replayable writes: a replay of a visit's write is audited for the visit's client (the phone's outbox always
# sends a key for the ones it queues); a handover's share link is never stored, a replay derives it again.
VISIT_WRITE = {"required": False, "client_of": service.client_of_answer}
OUTBOX_WRITE = {**VISIT_WRITE, "required": True}
SHARE_LINK_WRITE = {"required": False, "secret_fields": handovers.SHARE_FIELDS, "restore": _restore_share_link}


# -- visits --------------------------------------------------------------------------------------

@blp.route("/visits")
class VisitViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, query=VisitQueryArgsSchema, response=VisitSchema(many=True))
    def get(self, args):
        """List the team's visits of a call (?call_id=) or a client (?client_id=)"""
        return service.list_visits(get_session(), actor=current_actor(), now=get_clock().now(), **args)

    @blp.endpoint("nurse", body=VisitCreateSchema, status=201, response=VisitSchema, idempotent=OUTBOX_WRITE)
    def post(self, data):
        """Open the visit of the call you hold (Idempotency-Key required)"""
        return service.create_visit(get_session(), actor=current_actor(), data=data, now=get_clock().now())


@blp.route("/visits/<uuid:visit_id>")
class VisitByIdViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, response=VisitSchema)
    def get(self, visit_id):
        """Read a visit with its vitals, notes and the client's wishes"""
        return service.get_visit(get_session(), actor=current_actor(), visit_id=str(visit_id), now=get_clock().now())

    @blp.endpoint("nurse", body=VisitPatchSchema, response=VisitSchema, idempotent=VISIT_WRITE,
                  alt={409: "Stale version: the body's `current` is the server copy"})
    def patch(self, data, visit_id):
        """Edit your visit, naming the version you based it on"""
        return service.update_visit(get_session(), actor=current_actor(), visit_id=str(visit_id), data=data,
                                    now=get_clock().now())


@blp.route("/visits/<uuid:visit_id>/vitals")
class VitalsViews(MethodView):
    @blp.endpoint("nurse", body=VitalsCreateSchema, status=201, response=VitalsSchema, idempotent=OUTBOX_WRITE)
    def post(self, data, visit_id):
        """Record a set of vital signs; NEWS2 comes back (Idempotency-Key required)"""
        return service.add_vitals(get_session(), actor=current_actor(), visit_id=str(visit_id), data=data,
                                  now=get_clock().now())


@blp.route("/visits/<uuid:visit_id>/notes")
class NoteViews(MethodView):
    @blp.endpoint("nurse", body=NoteCreateSchema, status=201, response=NoteSchema, idempotent=VISIT_WRITE)
    def post(self, data, visit_id):
        """Append a note to your visit"""
        return service.add_note(get_session(), actor=current_actor(), visit_id=str(visit_id), data=data,
                                now=get_clock().now())


@blp.route("/visits/<uuid:visit_id>/complete")
class VisitCompleteViews(MethodView):
    @blp.endpoint("nurse", body=VisitCompleteSchema, response=VisitSchema, idempotent=VISIT_WRITE)
    def post(self, data, visit_id):
        """Record the outcome: the call completes and you are available again"""
        return service.complete_visit(get_session(), actor=current_actor(), visit_id=str(visit_id), data=data,
                                      now=get_clock().now())


# -- handovers -----------------------------------------------------------------------------------

@blp.route("/handovers")
class HandoverViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, query=HandoverQueryArgsSchema, response=HandoverSchema(many=True))
    def get(self, args):
        """List handovers: of a visit (?visit_id=), or unconfirmed (?unacknowledged=true)"""
        return handovers.list_handovers(get_session(), actor=current_actor(), now=get_clock().now(), **args)

    @blp.endpoint(*TEAM_ROLES, body=HandoverCreateSchema, status=201, response=HandoverCreatedSchema,
                  idempotent=SHARE_LINK_WRITE)
    def post(self, data):
        """Write a warm SBAR handover; the answer holds its share link (shown once)"""
        return handovers.create_handover(get_session(), actor=current_actor(), data=data, now=get_clock().now(),
                                         base_url=_base_url(), share_key=_share_key())


@blp.route("/handovers/<uuid:handover_id>")
class HandoverByIdViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, response=TeamHandoverSchema)
    def get(self, handover_id):
        """Read a handover, whether it was confirmed and the physician's advice it shows"""
        return handovers.get_handover(get_session(), actor=current_actor(), handover_id=str(handover_id),
                                      now=get_clock().now())


@blp.route("/handovers/<uuid:handover_id>/revoke")
class HandoverRevokeViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, response=HandoverSchema)
    def post(self, handover_id):
        """Revoke a handover's share link"""
        return handovers.revoke_handover(get_session(), actor=current_actor(), handover_id=str(handover_id),
                                         now=get_clock().now())


@blp.route("/handovers/<uuid:handover_id>/fhir")
class HandoverFhirViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, response=FhirBundleSchema, content_type="application/fhir+json",
                  description="A FHIR STU3 Bundle of type document")
    def get(self, handover_id):
        """Export a handover as a FHIR STU3 document Bundle (eOverdracht)"""
        return handovers.fhir_document(get_session(), actor=current_actor(), handover_id=str(handover_id),
                                       now=get_clock().now())


@blp.route("/shared/handovers/<string:token>")
class SharedHandoverViews(MethodView):
    @blp.endpoint(public=True, path=TokenPathSchema, response=SharedHandoverSchema,
                  alt={404: "Unknown, expired or revoked link"})
    def get(self, _path, token):
        """Read a handover through its link (no account)"""
        return handovers.shared_view(get_session(), token=token, now=get_clock().now(), meta=request_meta())


@blp.route("/shared/handovers/<string:token>/acknowledge")
class SharedHandoverAckViews(MethodView):
    @blp.endpoint(public=True, path=TokenPathSchema, body=AcknowledgeSchema, response=AcknowledgementSchema,
                  alt={404: "Unknown, expired or revoked link"})
    def post(self, _path, data, token):
        """Confirm receipt of a handover (who and when go back to the nurse)"""
        return handovers.acknowledge(get_session(), token=token, name=data["name"], now=get_clock().now(),
                                     meta=request_meta())


# -- wishes and contacts -------------------------------------------------------------------------

@blp.route("/clients/<int:client_id>/wishes")
class WishesViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, response=WishesWithContactsSchema)
    def get(self, client_id):
        """Read a client's wishes (advance care planning) and contacts"""
        return wishes.get_wishes(get_session(), actor=current_actor(), client_id=client_id, now=get_clock().now())

    @blp.endpoint(*TEAM_ROLES, body=WishesUpdateSchema, response=WishesWithContactsSchema,
                  alt={409: "Stale version: the body's `current` is the server copy"})
    def put(self, data, client_id):
        """Record or change a client's wishes (name the version you based a change on)"""
        return wishes.update_wishes(get_session(), actor=current_actor(), client_id=client_id, data=data,
                                    now=get_clock().now())


@blp.route("/clients/<int:client_id>/contacts")
class ContactViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, body=ContactCreateSchema, status=201, response=ContactSchema)
    def post(self, data, client_id):
        """Add a mantelzorger or other contact, and how they want to be involved"""
        return wishes.add_contact(get_session(), actor=current_actor(), client_id=client_id, data=data,
                                  now=get_clock().now())


@blp.route("/clients/<int:client_id>/contacts/<uuid:contact_id>")
class ContactByIdViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, status=204)
    def delete(self, client_id, contact_id):
        """Remove a contact from the client's network"""
        wishes.remove_contact(get_session(), actor=current_actor(), client_id=client_id,
                              contact_id=str(contact_id), now=get_clock().now())


# -- portal --------------------------------------------------------------------------------------

@blp.route("/clients/<int:client_id>/portal-links")
class PortalLinkViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, response=PortalLinkSummarySchema(many=True))
    def get(self, client_id):
        """List a client's portal links (tokens are never shown again)"""
        return portal.list_links(get_session(), actor=current_actor(), client_id=client_id, now=get_clock().now())

    @blp.endpoint(*TEAM_ROLES, body=PortalLinkCreateSchema, status=201, response=PortalLinkSchema)
    def post(self, data, client_id):
        """Give the client or a mantelzorger a read-only link to the client's own record"""
        return portal.create_link(get_session(), actor=current_actor(), client_id=client_id, now=get_clock().now(),
                                  base_url=_base_url(), **data)


@blp.route("/clients/<int:client_id>/portal-links/<uuid:link_id>")
class PortalLinkByIdViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, status=204)
    def delete(self, client_id, link_id):
        """Revoke a portal link: its token stops working at once"""
        portal.revoke_link(get_session(), actor=current_actor(), client_id=client_id, link_id=str(link_id),
                           now=get_clock().now())


@blp.route("/portal/<string:token>")
class PortalViews(MethodView):
    @blp.endpoint(public=True, path=TokenPathSchema, response=PortalSchema,
                  alt={404: "Unknown, expired or revoked link"})
    def get(self, _path, token):
        """Read your own record: calls, visits, handovers, wishes, and who looked at it"""
        return portal.dossier(get_session(), token=token, now=get_clock().now(), meta=request_meta())


# -- sync ----------------------------------------------------------------------------------------

@blp.route("/sync/pull")
class SyncPullViews(MethodView):
    @blp.endpoint("nurse", query=SyncPullArgsSchema, response=SyncPullSchema)
    def get(self, args):
        """Your own current work changed since the cursor (calls, clients, wishes, visits, handovers)"""
        return sync.pull(get_session(), actor=current_actor(), cursor=args["cursor"], now=get_clock().now())


@blp.record_once
def _register_pages(state) -> None:
    """Serve the plain-Dutch pages (/portaal/…, /overdracht/…) beside the API."""
    state.app.register_blueprint(pages)
