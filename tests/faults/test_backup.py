"""`flask --app backend db backup` writes a pg_dump of the live database that pg_restore can read back."""
import shutil
import subprocess

import pytest

from tests.factories import make_call


def test_db_backup_is_a_restorable_dump(app, session, tmp_path):
    if shutil.which("pg_restore") is None:
        pytest.skip("no pg_restore")
    call = make_call(session)
    target = tmp_path / "wijkspoed.dump"
    result = app.test_cli_runner().invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True)
    assert "TABLE DATA public calls" in listing.stdout and call.id == 1
