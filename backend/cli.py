"""`flask --app backend …` commands: db upgrade, users create, demo load."""
import click
import marshmallow as ma
from alembic import command
from flask import current_app
from flask.cli import AppGroup

from backend import demo, errors
from backend.db import get_engine, session_scope
from backend.identity import service as identity
from backend.identity.schemas import UserCreateSchema
from backend.migrations import alembic_config
from backend.vocab import ROLES

db_cli = AppGroup("db", help="Database schema (Alembic).")
users_cli = AppGroup("users", help="User accounts.")
demo_cli = AppGroup("demo", help="The demo region.")


@db_cli.command("upgrade")
@click.argument("revision", default="heads")
def db_upgrade(revision):
    """Migrate the database to the newest schema."""
    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo("database migrated")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--head", default="heads")
def db_revision(message, head):
    """Autogenerate a migration from the models (review it before committing)."""
    command.revision(alembic_config(current_app.config["DATABASE_URL"]), message=message,
                     autogenerate=True, head=head)


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", default=None)
@click.option("--team", default=None, help="a team code (see GET /api/teams)")
@click.option("--organisation-id", "organisation", default=None, type=int)
@click.option("--skills", default="", help="comma-separated, e.g. iv_therapy,palliative")
def users_create(username, password, role, name, team, organisation, skills):
    """Create a user (the first admin, for instance)."""
    try:
        data = UserCreateSchema().load({
            "username": username, "password": password, "role": role, "name": name or username,
            "team": team, "organisation_id": organisation,
            "skills": [s.strip() for s in skills.split(",") if s.strip()],
        })
    except ma.ValidationError as exc:
        raise click.ClickException(str(exc.messages))
    with session_scope(get_engine()) as session:
        try:
            user = identity.create_user(session, data=data, now=current_app.extensions["clock"].now())
        except errors.DomainError as exc:  # say it plainly
            raise click.ClickException(exc.message)
        click.echo(f"user {user.username} ({user.role}) created with id {user.id}")


@demo_cli.command("load")
def demo_load():
    """Load the demo region (idempotent: an existing region is left as it is)."""
    with session_scope(get_engine()) as session:
        created = demo.load_all(session, now=current_app.extensions["clock"].now())
    click.echo("demo region loaded" if created else "demo region already present")


def init_app(app) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
