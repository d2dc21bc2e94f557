import pytest

from surveys.passwords import Policy, WeakPassword


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("pendek", "short"),
        ("x" * 201, "long"),
        ("suara-demo-2026", "common"),
        ("Bismillah123", "common"),
        ("aaaaaaaaaaaa", "common"),
        ("kepala.dukcapil-2026", "username"),
    ],
)
def test_weak_passwords_are_refused_with_the_rule_they_break(password, reason):
    with pytest.raises(WeakPassword) as refused:
        Policy().check(password, username="kepala.dukcapil")
    assert refused.value.reason == reason


def test_a_long_unguessable_password_passes():
    Policy().check("kopi tubruk di pagi hari", username="kepala.dukcapil")
