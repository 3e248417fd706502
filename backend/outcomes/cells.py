"""A cell: what one bucket (a period, a week or a day) holds of one team's calls of one urgency.

Everything a figure needs, in a form that adds up: counts, outcome counts, distribution bins, and the exact
durations behind the medians and percentiles (response, target and acknowledgement minutes, as the database
computed them, so a percentile over summed cells is the percentile over the calls). The live path
(`live_cells`) and the rollup (`rollup.py`, which stores a day's cells) build them with the same queries.

Durations are kept as chunks (a live list, or a stored day's packed doubles) and only joined and sorted once,
with numpy, when a figure needs them: a year of a region is ~100,000 responses, which Python's sort and
json would take a few hundred milliseconds over.
"""
from collections import defaultdict
from dataclasses import dataclass, field, make_dataclass
from datetime import datetime

import numpy as np

from backend.outcomes import queries
from backend.outcomes.models import OutcomeCounts

# Upper bounds of the response distribution, in % of the call's own target (the last bin is open).
DISTRIBUTION_PCT = (25, 50, 75, 100, 125, 150, 200, 300)
COUNTS = tuple(OutcomeCounts.model_fields)
LISTS = ("response_minutes", "target_minutes", "ack_minutes")
# Stored durations: little-endian IEEE doubles, the very floats the queries returned.
PACKED = np.dtype("<f8")


# The counts of `OutcomeCounts` as a plain dataclass: a year's figures build thousands of cells from our own
# table's values, where pydantic's validation made each five times as expensive.
_Counts = make_dataclass("_Counts", [(name, int, field(default=0)) for name in COUNTS])


@dataclass
class Cell(_Counts):
    """One bucket's calls in memory: the counts, and what a stored day packs (`OutcomeDay`)."""

    outcomes: dict[str, int] = field(default_factory=dict)
    # Responses per bin of DISTRIBUTION_PCT (and one above the last).
    distribution: list[int] = field(default_factory=lambda: [0] * (len(DISTRIBUTION_PCT) + 1))
    # Chunks of durations in minutes (each a list or an array of floats); `ordered` joins and sorts them.
    response_minutes: list = field(default_factory=list)
    target_minutes: list = field(default_factory=list)
    ack_minutes: list = field(default_factory=list)

    def add(self, other: "Cell") -> None:
        """Add another cell's calls to this one."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for outcome, count in other.outcomes.items():
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + count
        self.distribution = [a + b for a, b in zip(self.distribution, other.distribution)]
        for name in LISTS:
            getattr(self, name).extend(getattr(other, name))

    def ordered(self, name: str) -> np.ndarray:
        """Return the durations `name` (one of LISTS), sorted."""
        chunks = [chunk for chunk in getattr(self, name) if len(chunk)]
        return np.sort(np.concatenate(chunks)) if chunks else np.empty(0)


def pack(values: np.ndarray) -> bytes:
    """Return durations as stored (packed doubles)."""
    return np.asarray(values, dtype=PACKED).tobytes()


def unpack(blob: bytes) -> np.ndarray:
    """Return stored durations as an array (the same floats that were packed)."""
    return np.frombuffer(blob, dtype=PACKED)


def distribution_bin(response: float, target: float) -> int:
    """Return the bin of a response as % of its target (exactly on target is in the ≤ 100 % bin)."""
    value = 100.0 * response / target if target > 0 else 0
    return next((i for i, upto in enumerate(DISTRIBUTION_PCT) if value <= upto + 1e-6), len(DISTRIBUTION_PCT))


def live_cells(session, *, start: datetime, end: datetime, team: str | None, bounds: list[datetime] | None = None,
               ranges: list[tuple[datetime, datetime]] | None = None) -> dict[tuple[int, str, str], Cell]:
    """Return the cells (bucket, team, urgency) of the calls created in [start, end), read from the calls."""
    pc = queries.period_calls(start=start, end=end, team=team, bounds=bounds, ranges=ranges)
    cells: dict[tuple[int, str, str], Cell] = defaultdict(lambda: Cell(response_minutes=[[]], target_minutes=[[]],
                                                                      ack_minutes=[[]]))
    for bucket, team_, urgency, total, cancelled, completed, on_site, within in queries.call_counts(session, pc):
        c = cells[bucket, team_, urgency]
        c.calls, c.cancelled, c.completed, c.on_site, c.within_target = total, cancelled, completed, on_site, within
    for bucket, team_, urgency, response, target in queries.response_minutes(session, pc):
        c = cells[bucket, team_, urgency]
        c.response_minutes[0].append(response)
        c.target_minutes[0].append(target)
        c.distribution[distribution_bin(response, target)] += 1
    for bucket, team_, urgency, outcome, count in queries.outcome_counts(session, pc):
        cells[bucket, team_, urgency].outcomes[outcome] = count
    for bucket, team_, urgency, total, acknowledged in queries.handover_counts(session, pc):
        c = cells[bucket, team_, urgency]
        c.handovers, c.acknowledged = total, acknowledged
    for bucket, team_, urgency, value in queries.acknowledgement_minutes(session, pc):
        cells[bucket, team_, urgency].ack_minutes[0].append(value)
    for bucket, team_, urgency, offered, first_accepted, escalated in queries.offer_counts(session, pc):
        c = cells[bucket, team_, urgency]
        c.offered, c.first_offer_accepted, c.escalations = offered, first_accepted, escalated
    for bucket, team_, urgency, within_72h, within_30d in queries.recall_counts(session, pc):
        c = cells[bucket, team_, urgency]
        c.recalls_72h, c.recalls_30d = within_72h, within_30d
    return dict(cells)
