"""Signed, versioned survey links."""

from itsdangerous import URLSafeSerializer

from portal import tokens


def test_a_signed_link_reads_back(app):
    with app.app_context():
        claim = tokens.read(tokens.sign(tokens.COUNTER, 12, 3))
    assert claim == tokens.LinkClaim(tokens.COUNTER, 12, 3)


def test_a_link_signed_with_another_key_or_altered_is_refused(app):
    foreign = URLSafeSerializer("someone else's key", salt="survey-link").dumps(["c", 1, 1])
    with app.app_context():
        genuine = tokens.sign(tokens.COUNTER, 1, 1)
        assert tokens.read(foreign) is None
        assert tokens.read(genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")) is None
        assert tokens.read("") is None
        assert tokens.read("x" * 500) is None


def test_a_signed_but_malformed_payload_is_refused(app):
    with app.app_context():
        serializer = URLSafeSerializer(app.config["SECRET_KEY"], salt="survey-link")
        for payload in (["x", 1, 1], ["c", "1", 1], {"c": 1}, ["c", 1]):
            assert tokens.read(serializer.dumps(payload)) is None
