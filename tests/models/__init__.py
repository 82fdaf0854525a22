"""Tests for the models folder."""
