"""Use cases: plain functions that take the session explicitly and flush.

The request or CLI command that called them owns the transaction and commits once
(``docs/architecture.md``, "Transactions"); no service commits.
"""
