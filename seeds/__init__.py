"""Seed data: real facts from DOMAIN.md plus a deterministic generator that scales to real sizes."""
