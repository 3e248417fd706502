"""The region as data: organisations, teams with their working areas, and routing a call to a team."""
