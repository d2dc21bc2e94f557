"""The survey form, built from the instrument rather than written per question.

Forms check shape (a known choice, a short enough comment, a plausible age); the
feedback service checks meaning. Every message is in the citizen's language.
"""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from portal import labels
from portal.services.feedback import Submission
from surveys.attribution import Opening
from surveys.instruments import Instrument
from surveys.respondents import EDUCATION

OCCUPATIONS = tuple(labels.OCCUPATION.items())
NOT_A_CHOICE = _l("Pilihan tidak dikenal. Pilih salah satu jawaban yang tersedia.")


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Isi dengan angka.")) from None


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _radio(label, pairs, **kwargs) -> RadioField:
    return RadioField(
        label,
        choices=_choices(pairs),
        validators=[Optional()],
        invalid_choice_message=NOT_A_CHOICE,
        **kwargs,
    )


def _dropdown(label) -> SelectField:
    # Choices are set per form: they depend on the unit (service types) and the language.
    return SelectField(label, validators=[Optional()], invalid_choice_message=NOT_A_CHOICE)


class SurveyForm(FlaskForm):
    """Fields shared by every instrument; the item fields are added per instrument."""

    submission_id = HiddenField()
    # The signed record of when the page was opened and whom it showed (portal.openings).
    opened = HiddenField()
    service_type = _dropdown(_l("Jenis layanan yang Anda terima"))
    sex = _radio(_l("Jenis kelamin"), list(labels.SEX.items()))
    age = WholeNumberField(
        _l("Usia (tahun)"),
        validators=[
            Optional(),
            NumberRange(min=10, max=110, message=_l("Usia harus antara 10 dan 110 tahun.")),
        ],
    )
    education = _dropdown(_l("Pendidikan terakhir"))
    occupation = _dropdown(_l("Pekerjaan"))

    item_codes: tuple[str, ...] = ()

    def validate_submission_id(self, field):
        try:
            uuid.UUID(field.data or "")
        except (ValueError, AttributeError, TypeError):
            raise ValidationError(
                _l("Formulir ini tidak utuh. Muat ulang halaman survei lalu isi kembali.")
            ) from None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not any(self[code].data for code in self.item_codes):
            self.form_errors.append(_l("Jawab setidaknya satu pertanyaan sebelum mengirim."))
            return False
        return valid

    def described_by(self, field, *hints: str) -> str | bool:
        """Return the ids of a field's hint and error messages, for ``aria-describedby``."""
        ids = [*hints, *([f"error-{field.name}"] if field.errors else [])]
        return " ".join(ids) or False

    def item_fields(self):
        return [self[code] for code in self.item_codes]

    def submission(
        self,
        *,
        language: str,
        client_hash: str | None,
        opening: Opening | None,
        device_hash: str | None = None,
    ) -> Submission:
        def text_or_none(value: str | None) -> str | None:
            value = (value or "").strip()
            return value or None

        return Submission(
            id=uuid.UUID(self.submission_id.data),
            opening=opening,
            answers={
                code: int(self[code].data) if self[code].data else None for code in self.item_codes
            },
            service_type_id=int(self.service_type.data) if self.service_type.data else None,
            sex=self.sex.data or None,
            age=self.age.data,
            education=self.education.data or None,
            occupation=self.occupation.data or None,
            comment=text_or_none(self.comment.data),
            language=language,
            client_hash=client_hash,
            device_hash=device_hash,
        )


# Form classes are built once per instrument version, language and comment limit.
_form_classes: dict[tuple, type[SurveyForm]] = {}


def _form_class(instrument: Instrument, language: str, comment_max: int) -> type[SurveyForm]:
    key = (instrument.code, instrument.version, language, comment_max)
    if key in _form_classes:
        return _form_classes[key]
    fields = {
        item.code: _radio(
            item.text("unsur", language),
            [(str(value), words) for value, words in item.choices(language)],
            description=item.text("question", language),
        )
        for item in instrument.items
    }
    fields["comment"] = TextAreaField(
        _l("Saran atau komentar"),
        validators=[
            Optional(),
            Length(
                max=comment_max,
                message=_l("Komentar paling banyak %(max)d karakter.", max=comment_max),
            ),
        ],
        render_kw={"maxlength": comment_max, "rows": 4},
    )
    fields["item_codes"] = instrument.codes
    cls = type("InstrumentSurveyForm", (SurveyForm,), fields)
    _form_classes[key] = cls
    return cls


def build_survey_form(
    instrument: Instrument, language: str, service_types, *, comment_max: int
) -> SurveyForm:
    """Return a survey form with one radio group per item, named by its unsur code.

    Bound to the request's form data, if any. A posted form keeps the submission id it
    came with, or has none: a POST without one is refused, never given a fresh id (which
    would store a retry twice).
    """
    form = _form_class(instrument, language, comment_max)()
    blank = ("", _l("— Pilih (opsional) —"))
    form.service_type.choices = _choices([blank, *((str(s.id), s.name) for s in service_types)])
    form.education.choices = _choices([blank, *((e, e) for e in EDUCATION)])
    form.occupation.choices = _choices([blank, *OCCUPATIONS])
    return form
