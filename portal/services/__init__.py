"""Use cases: plain functions that take the session explicitly and own the commit."""
