"""Placement requests: a temporary bed for a client, brokered by the region's coordination centre."""
