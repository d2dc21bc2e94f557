from surveys.respondents import sort_key


def test_a_profile_lists_the_questionnaires_codes_in_order_then_others_then_not_stated():
    found = ["S1", "", "SD", "Pesantren", "SMA", "S3"]
    assert sorted(found, key=lambda v: sort_key("education", v)) == [
        "SD",
        "SMA",
        "S1",
        "S3",
        "Pesantren",
        "",
    ]
    ages = ["55+", "<25", "", "35-44"]
    assert sorted(ages, key=lambda v: sort_key("age", v)) == ["<25", "35-44", "55+", ""]
