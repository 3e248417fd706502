"""Temporary-bed capacity of the region: care providers' locations, their free beds per type, and its history."""
