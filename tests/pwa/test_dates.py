"""The app's Amsterdam days and times (pwa/src/geo.js, computed without Intl) are the time-zone database's."""
import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[2]
AMS = ZoneInfo("Europe/Amsterdam")


def moments() -> list[datetime]:
    """Every 20 minutes for 3 hours either side of each change of clock, 2000–2037, and a spread across the years."""
    out = []
    for year in range(2000, 2038):
        for month in (3, 10):
            start = datetime(year, month, 20, tzinfo=timezone.utc)
            for h in range(12 * 24):  # find the change: the hour where the offset differs from the hour before
                t = start + timedelta(hours=h)
                if t.astimezone(AMS).utcoffset() != (t - timedelta(hours=1)).astimezone(AMS).utcoffset():
                    out += [t + timedelta(minutes=m) for m in range(-180, 181, 20)]
                    break
            else:
                pytest.fail(f"no change of clock found in {year}-{month:02}")
    t = datetime(2020, 1, 1, tzinfo=timezone.utc)
    while t.year < 2031:
        out.append(t)
        t += timedelta(hours=7, minutes=13)
    out += [datetime(2026, 12, 31, 22, 59, tzinfo=timezone.utc), datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc)]
    return out


def test_days_and_times_in_amsterdam_match_the_time_zone_database():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (make test builds the PWA with it)")
    cases = moments()
    assert len(cases) > 2000
    script = (
        "import { localDay, formatTime, formatDateTime } from './pwa/src/geo.js';"
        "import { readFileSync } from 'fs';"
        "const ms = JSON.parse(readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(ms.map((iso) => [localDay(iso), formatTime(iso), formatDateTime(iso)])));"
    )
    isos = [t.isoformat().replace("+00:00", "Z") for t in cases]
    out = subprocess.run([node, "--input-type=module", "-e", script], input=json.dumps(isos), cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    for t, seen in zip(cases, json.loads(out.stdout), strict=True):
        local = t.astimezone(AMS)
        assert seen == [local.strftime("%Y-%m-%d"), local.strftime("%H:%M"), local.strftime("%d-%m %H:%M")], t
