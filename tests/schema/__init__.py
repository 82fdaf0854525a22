"""Tests for the schema folder."""
