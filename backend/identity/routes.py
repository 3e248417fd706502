"""Login, logout, the current user, user and token administration."""
from flask import current_app, g, session
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock, request_meta
from backend.db import get_session
from backend.identity import service
from backend.identity.schemas import (
    LoginResultSchema, LoginSchema, MeSchema, TokenCreateSchema, TokenInfoSchema,
    TokenSchema, UserCreateSchema, UserQueryArgsSchema, UserSchema, UserUpdateSchema,
)

blp = Blueprint("identity", __name__, url_prefix="/api", description="Log in, users and machine tokens")


@blp.route("/auth/login")
class LoginViews(MethodView):
    @blp.endpoint(public=True, body=LoginSchema, response=LoginResultSchema,
                  alt={401: "Wrong credentials", 429: "Too many failed attempts"})
    def post(self, data):
        """Log in with a password; sets the session cookie and returns the CSRF token"""
        result = service.login(
            get_session(), username=data["username"], password=data["password"],
            ip=request_meta()["ip"] or "?", now=get_clock().now(),
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            window_seconds=current_app.config["LOGIN_WINDOW_SECONDS"],
        )
        session.clear()
        session.permanent = True
        session["sid"] = result.secret
        return result


@blp.route("/auth/logout")
class LogoutViews(MethodView):
    @blp.endpoint(status=204)
    def post(self):
        """Log out: the server forgets the session"""
        if "login_session" in g:
            service.logout(get_session(), session_id=g.login_session.id)
        session.clear()


@blp.route("/auth/me")
class MeViews(MethodView):
    @blp.endpoint(response=MeSchema)
    def get(self):
        """Return the logged-in user (and, for a cookie session, its CSRF token)"""
        login_session = g.get("login_session")
        return service.Me(user=current_actor().user, csrf_token=login_session.csrf_token if login_session else None)


@blp.route("/users")
class UserViews(MethodView):
    @blp.endpoint("admin", "coordinator", "team_lead", query=UserQueryArgsSchema, response=UserSchema(many=True))
    def get(self, args):
        """List users (coordinators and team leads: their own team)"""
        return service.list_users(get_session(), actor=current_actor(), **args)

    @blp.endpoint("admin", body=UserCreateSchema, status=201, response=UserSchema)
    def post(self, data):
        """Create a user"""
        return service.create_user(get_session(), data=data, now=get_clock().now(), actor=current_actor())


@blp.route("/users/<int:user_id>")
class UserByIdViews(MethodView):
    @blp.endpoint("admin", body=UserUpdateSchema, response=UserSchema)
    def patch(self, changes, user_id):
        """Change an account; `active: false` ends its sessions and tokens at once"""
        return service.update_user(get_session(), actor=current_actor(), user_id=user_id, changes=changes,
                                   now=get_clock().now())


@blp.route("/tokens")
class TokenViews(MethodView):
    @blp.endpoint("admin", response=TokenInfoSchema(many=True))
    def get(self):
        """List the live machine tokens (never their secrets)"""
        return service.list_tokens(get_session())

    @blp.endpoint("admin", body=TokenCreateSchema, status=201, response=TokenSchema)
    def post(self, data):
        """Create a bearer token for a machine client; it is shown only this once"""
        return service.create_token(get_session(), actor=current_actor(), username=data["username"],
                                    label=data["label"], now=get_clock().now())


@blp.route("/tokens/<int:token_id>")
class TokenByIdViews(MethodView):
    @blp.endpoint("admin", status=204)
    def delete(self, token_id):
        """Revoke a machine token: it stops working at once"""
        service.revoke_token(get_session(), actor=current_actor(), token_id=token_id, now=get_clock().now())

