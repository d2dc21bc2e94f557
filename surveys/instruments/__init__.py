"""Questionnaires as data, and the loader that checks them.

An instrument is scored by unsur code, never by position: the regulation's scope
list and its sample questionnaire order U8 and U9 differently, so the display order
is simply the order of ``items`` in the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from surveys.errors import InvalidAnswers, InvalidInstrument

DEFAULT_CODE = "skm-2017"
LANGUAGES = ("id", "en")
# Rollups keep one column per unsur code and answer value; an instrument may use any
# subset of these codes, but no others.
UNSUR_CODES = tuple(f"U{n}" for n in range(1, 10))
SCALE = (1, 2, 3, 4)


@dataclass(frozen=True)
class Item:
    code: str
    unsur: dict[str, str]
    question: dict[str, str]
    answers: dict[str, tuple[str, ...]]

    def choices(self, language: str) -> list[tuple[int, str]]:
        """Return ``(value, official wording)`` pairs, 1 (worst) to 4 (best)."""
        words = self.answers.get(language) or self.answers["id"]
        return list(zip(SCALE, words, strict=True))

    def text(self, field: str, language: str) -> str:
        texts = getattr(self, field)
        return texts.get(language) or texts["id"]


@dataclass(frozen=True)
class Instrument:
    code: str
    version: int
    title: dict[str, str]
    items: tuple[Item, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def clean_answers(self, answers: dict[str, object]) -> dict[str, int | None]:
        """Return every item's answer as 1-4 or None (not answered).

        A blank is "not answered", never a zero. Unknown codes or values outside the
        scale mean the answers were not made for this instrument.
        """
        unknown = set(answers) - set(self.codes)
        if unknown:
            raise InvalidAnswers(f"Unknown items: {', '.join(sorted(unknown))}.")
        cleaned: dict[str, int | None] = {}
        for code in self.codes:
            value = answers.get(code)
            if value in (None, ""):
                cleaned[code] = None
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
                raise InvalidAnswers(f"{code} must be one of 1, 2, 3, 4.")
            cleaned[code] = value
        if all(v is None for v in cleaned.values()):
            raise InvalidAnswers("At least one item must be answered.")
        return cleaned


def from_dict(data: dict) -> Instrument:
    """Build an instrument from its JSON form, refusing anything the portal cannot score."""
    try:
        items = tuple(
            Item(
                code=raw["code"],
                unsur=dict(raw["unsur"]),
                question=dict(raw["question"]),
                answers={lang: tuple(words) for lang, words in raw["answers"].items()},
            )
            for raw in data["items"]
        )
        instrument = Instrument(
            code=str(data["code"]),
            version=int(data["version"]),
            title=dict(data["title"]),
            items=items,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInstrument(f"Malformed instrument: {exc!r}") from exc
    codes = instrument.codes
    if not codes or len(set(codes)) != len(codes):
        raise InvalidInstrument("Item codes must be present and unique.")
    if not set(codes) <= set(UNSUR_CODES):
        raise InvalidInstrument(f"Item codes must be among {', '.join(UNSUR_CODES)}.")
    for item in items:
        if "id" not in item.question or "id" not in item.answers:
            raise InvalidInstrument(f"{item.code} needs its Indonesian wording.")
        if any(len(words) != len(SCALE) for words in item.answers.values()):
            raise InvalidInstrument(f"{item.code} needs exactly four answers per language.")
    return instrument


def load_raw(code: str = DEFAULT_CODE) -> dict:
    """Return the JSON form of the packaged instrument ``code`` (e.g. ``"skm-2017"``)."""
    if not code.replace("-", "").isalnum():
        raise InvalidInstrument(f"Unknown instrument {code!r}.")
    try:
        text = resources.files(__name__).joinpath(f"{code}.json").read_text("utf-8")
    except FileNotFoundError:
        raise InvalidInstrument(f"Unknown instrument {code!r}.") from None
    return json.loads(text)


@cache
def load(code: str = DEFAULT_CODE) -> Instrument:
    """Return the packaged instrument ``code``, checked."""
    return from_dict(load_raw(code))
