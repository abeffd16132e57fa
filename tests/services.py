"""Fixtures for tests that need a real PostgreSQL or Redis (filled in by the
background-work tests)."""
