"""The one base class for domain errors, each carrying what it means over HTTP.

The domain speaks no HTTP, but every refusal it makes has one meaning for a client:
the request was malformed (400), names nothing we know (404), names something
withdrawn (410), or holds answers that do not fit (422). Keeping that meaning on the
error lets each blueprint render it its own way (an HTML page, problem+json) without
a table of exception classes per blueprint.
"""


class SurveyError(Exception):
    """A domain rule was broken by the input; the message is safe to show."""

    http_status = 400


class NotFound(SurveyError):
    """The thing asked for does not exist, or the one asking may not know that it does."""

    http_status = 404


class Gone(SurveyError):
    """The thing asked for existed but has been withdrawn."""

    http_status = 410


class InvalidNIP(SurveyError):
    """A civil-servant number that cannot be a real NIP."""


class InvalidInstrument(SurveyError):
    """An instrument definition that the portal cannot administer or score."""


class InvalidAnswers(SurveyError):
    """Answers that do not fit the instrument they claim to answer."""

    http_status = 422
