"""Tests for the seeds folder."""
