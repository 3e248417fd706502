"""Register, look up and read clients."""
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock
from backend.clients import service
from backend.clients.schemas import ClientCreateSchema, ClientLookupArgsSchema, ClientSchema
from backend.db import get_session
from backend.vocab import CALL_READ_ROLES

blp = Blueprint("clients", __name__, url_prefix="/api", description="Clients")


@blp.route("/clients")
class ClientViews(MethodView):
    @blp.endpoint(*CALL_READ_ROLES, query=ClientLookupArgsSchema, response=ClientSchema(many=True))
    def get(self, args):
        """Look a client up by exact BSN and birth date, or search the clients you see by name"""
        if "name" in args:
            return service.search_clients(get_session(), actor=current_actor(), **args)
        return service.lookup_client(get_session(), actor=current_actor(), now=get_clock().now(), **args)

    @blp.endpoint(*CALL_READ_ROLES, body=ClientCreateSchema, status=201, response=ClientSchema)
    def post(self, data):
        """Register a client"""
        return service.create_client(get_session(), actor=current_actor(), data=data, now=get_clock().now())


@blp.route("/clients/<int:client_id>")
class ClientByIdViews(MethodView):
    @blp.endpoint(*CALL_READ_ROLES, response=ClientSchema)
    def get(self, client_id):
        """Read a client (within the work of your team or organisation)"""
        return service.get_client(get_session(), actor=current_actor(), client_id=client_id,
                                  now=get_clock().now())
