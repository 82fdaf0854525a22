"""The test suite: each test runs on SQLite and on PostgreSQL inside a rolled-back transaction."""
