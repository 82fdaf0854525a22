"""Tests for the resolvers folder."""
