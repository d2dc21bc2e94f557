import pytest

from surveys import instruments
from surveys.errors import InvalidAnswers, InvalidInstrument

# The official answer wording of PermenPAN-RB 14/2017's sample questionnaire.
OFFICIAL = {
    "U1": ("Persyaratan", ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]),
    "U2": (
        "Sistem, mekanisme, dan prosedur",
        ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
    ),
    "U3": ("Waktu penyelesaian", ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"]),
    "U4": ("Biaya/tarif", ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]),
    "U5": (
        "Produk spesifikasi jenis pelayanan",
        ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
    ),
    "U6": (
        "Kompetensi pelaksana",
        ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"],
    ),
    "U7": (
        "Perilaku pelaksana",
        [
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ],
    ),
    "U8": ("Sarana dan prasarana", ["Buruk", "Cukup", "Baik", "Sangat baik"]),
    "U9": (
        "Penanganan pengaduan, saran dan masukan",
        [
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ],
    ),
}


@pytest.fixture
def skm():
    return instruments.load("skm-2017")


def test_skm_has_the_nine_unsur_in_questionnaire_order(skm):
    assert skm.codes == ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")
    for item in skm.items:
        unsur, answers = OFFICIAL[item.code]
        assert item.unsur["id"] == unsur
        assert [words for _, words in item.choices("id")] == answers
        assert [value for value, _ in item.choices("id")] == [1, 2, 3, 4]


def test_every_item_is_translated_to_english(skm):
    for item in skm.items:
        assert item.question["en"] and item.question["en"] != item.question["id"]
        assert len(item.choices("en")) == 4
    assert skm.items[3].choices("en")[3] == (4, "Free")


def test_unknown_language_falls_back_to_indonesian(skm):
    assert skm.items[0].text("question", "jv") == skm.items[0].question["id"]


def test_blanks_are_not_answered_never_zero(skm):
    cleaned = skm.clean_answers({"U1": 4, "U2": None, "U3": ""})
    assert cleaned["U1"] == 4
    assert cleaned["U2"] is None and cleaned["U3"] is None and cleaned["U9"] is None


@pytest.mark.parametrize(
    "answers",
    [{"U1": 0}, {"U1": 5}, {"U1": "4"}, {"U1": True}, {"U10": 4}, {}, {"U1": None}],
)
def test_answers_outside_the_instrument_are_refused(skm, answers):
    with pytest.raises(InvalidAnswers):
        skm.clean_answers(answers)


def _definition(**changes):
    raw = instruments.load_raw()
    raw.update(changes)
    return raw


@pytest.mark.parametrize(
    "definition",
    [
        _definition(items=[]),
        _definition(items=[instruments.load_raw()["items"][0]] * 2),
        _definition(items=[{**instruments.load_raw()["items"][0], "code": "X1"}]),
        _definition(items=[{**instruments.load_raw()["items"][0], "answers": {"id": ["a", "b"]}}]),
        {"code": "x"},
    ],
)
def test_definitions_the_portal_cannot_score_are_refused(definition):
    with pytest.raises(InvalidInstrument):
        instruments.from_dict(definition)


@pytest.mark.parametrize("code", ["nope", "../etc/passwd"])
def test_unknown_instruments_are_refused(code):
    with pytest.raises(InvalidInstrument):
        instruments.load(code)
