"""Bulk import of deputies, stations and agencies from .xlsx / .csv (see docs/import.md)."""
