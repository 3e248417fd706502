"""Consults: a nurse asks the on-call physician (SO, VS or PA) for advice from a visit."""
