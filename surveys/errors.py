"""The one base class for domain errors, so the web layer can map them to pages."""


class SurveyError(Exception):
    """A domain rule was broken by the input; the message is safe to show."""


class InvalidNIP(SurveyError):
    """A civil-servant number that cannot be a real NIP."""


class InvalidInstrument(SurveyError):
    """An instrument definition that the portal cannot administer or score."""


class InvalidAnswers(SurveyError):
    """Answers that do not fit the instrument they claim to answer."""
