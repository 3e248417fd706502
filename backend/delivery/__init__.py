"""Offer delivery reports: the nurse's service worker says an offer was shown on her phone (or could not be)."""
