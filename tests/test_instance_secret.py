"""The instance secrets (the session key, the VAPID key's file) are made once, whole, even when several processes
start at once on a fresh clone (gunicorn workers, test workers)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each process imports first, says so, then waits for the go file: all ask for the secret at the same moment.
READ = """
import os, sys
from backend.config import instance_secret
print("ready", flush=True)
while not os.path.exists(sys.argv[1]):
    pass
print(instance_secret("secret_key"), flush=True)
"""


def test_processes_starting_at_once_share_one_whole_secret(tmp_path):
    instance, go = tmp_path / "instance", tmp_path / "go"
    env = {**os.environ, "WIJKSPOED_INSTANCE": str(instance)}
    procs = [subprocess.Popen([sys.executable, "-c", READ, str(go)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    assert [p.stdout.readline().strip() for p in procs] == ["ready"] * 8
    go.touch()
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err for _, err in results]
    secrets = {out.strip() for out, _ in results}
    stored = (instance / "secret_key").read_text().strip()
    assert secrets == {stored} and len(stored) >= 40
    assert sorted(p.name for p in instance.iterdir()) == ["secret_key"]  # no temporary file left behind
    assert (instance / "secret_key").stat().st_mode & 0o777 == 0o600
