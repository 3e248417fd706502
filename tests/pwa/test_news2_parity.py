"""The NEWS2 the nurse sees while typing (pwa/src/news2.js) is the score the server records."""
import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from backend.visits.news2 import news2 as server_news2

ROOT = Path(__file__).resolve().parents[2]

GRID = {
    "resp_rate": [7, 8, 9, 11, 12, 20, 21, 24, 25],
    "spo2": [91, 92, 93, 94, 95, 96],
    "on_oxygen": [False, True],
    "systolic_bp": [90, 91, 100, 101, 110, 111, 219, 220],
    "heart_rate": [40, 41, 50, 51, 90, 91, 110, 111, 130, 131],
    "consciousness": ["A", "C"],
    "temperature": [35.0, 35.04, 35.1, 36.0, 36.1, 38.0, 38.1, 39.0, 39.1],
}


def test_the_app_and_the_server_score_news2_alike():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (make test builds the PWA with it)")
    keys = list(GRID)
    # A spread of combinations through every boundary (every value of every field appears).
    cases = [dict(zip(keys, values)) for values in itertools.islice(itertools.product(*GRID.values()), 0, None, 97)]
    for key, values in GRID.items():
        base = dict(cases[0])
        cases += [{**base, key: v} for v in values]
    script = (
        "import { news2 } from './pwa/src/news2.js'; import { createRequire } from 'module';"
        "const require = createRequire(import.meta.url);"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(cases.map((c) => news2(c))));"
    )
    out = subprocess.run([node, "--input-type=module", "-e", script], input=json.dumps(cases), cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    app = json.loads(out.stdout)
    for case, seen in zip(cases, app, strict=True):
        expected = server_news2(**case)
        assert (seen["score"], seen["band"]) == (expected.score, expected.band), case
