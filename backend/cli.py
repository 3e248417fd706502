"""`flask --app backend …` commands: db upgrade, db backup, users create, demo load, demo history."""
import shutil
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import click
import sqlalchemy as sa
import marshmallow as ma
from alembic import command
from flask import current_app
from flask.cli import AppGroup

from backend import demo, errors
from backend.db import get_engine, session_scope
from backend.identity import service as identity
from backend.identity.schemas import UserCreateSchema
from backend.migrations import alembic_config
from backend.outcomes import history
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


@db_cli.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def db_backup(path):
    """Write a consistent copy of the live database: pg_dump (custom format) or SQLite's online backup."""
    url = sa.engine.make_url(current_app.config["DATABASE_URL"])
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    postgres = url.get_backend_name() == "postgresql"
    if path is None:
        path = Path(current_app.instance_path) / "backups" / f"wijkspoed-{stamp}.{'dump' if postgres else 'sqlite'}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if postgres:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise click.ClickException("pg_dump not found: install postgresql-client")
        libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
        done = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={path}", f"--dbname={libpq}"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise click.ClickException(f"pg_dump failed: {done.stderr.strip()[:500]}")
    elif url.get_backend_name() == "sqlite" and url.database:
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)  # online: writers may go on meanwhile
        finally:
            target.close()
            source.close()
    else:
        raise click.ClickException(f"no backup for {url.get_backend_name()} databases")
    click.echo(f"backup written to {path} ({path.stat().st_size} bytes)")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", default=None)
@click.option("--team", default=None, help="a team code (see GET /api/teams)")
@click.option("--organisation-id", "organisation", default=None, type=int)
@click.option("--skills", default="", help="comma-separated, e.g. iv_therapy,palliative")
@click.option("--profession", default=None, help="a physician's: so, vs or pa")
def users_create(username, password, role, name, team, organisation, skills, profession):
    """Create a user (the first admin, for instance)."""
    try:
        data = UserCreateSchema().load({
            "username": username, "password": password, "role": role, "name": name or username,
            "team": team, "organisation_id": organisation,
            "skills": [s.strip() for s in skills.split(",") if s.strip()],
            **({"profession": profession} if profession else {}),
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


@demo_cli.command("history")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 731))
@click.option("--per-day", default=20.0, show_default=True, type=click.FloatRange(0.1, 2000))
def demo_history(days, per_day):
    """Add DAYS of plausible past calls, visits, outcomes and handovers (after `demo load`; once)."""
    now = current_app.extensions["clock"].now()
    with session_scope(get_engine()) as session:
        if history.has_history(session, now=now):
            raise click.ClickException("demo history already present")
        try:
            count = history.generate(session, now=now, days=days, calls_per_day=per_day)
        except errors.DomainError as exc:
            raise click.ClickException(exc.message)
    click.echo(f"{count} past calls over {days} days added")


def init_app(app) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
