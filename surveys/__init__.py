"""The survey domain: instruments, NIP rules and the statistics behind every score.

Plain Python only. Nothing here may import Flask, SQLAlchemy or ``portal``; a test
imports this package in a fresh interpreter and checks.
"""

from surveys.errors import SurveyError

__all__ = ["SurveyError"]
