"""公民身份号码, phone and 统计用区划代码 checks."""
from __future__ import annotations

import datetime as dt

import pytest

from app.validation import id_check_digit, normalize_phone, parse_id_number, validate_village_code


def make_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


def test_known_valid_id_with_x_check_digit():
    parsed = parse_id_number("11010519491231002X")  # GB 11643 example
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "F"
    assert parsed.region == "110105"


def test_lower_case_x_and_spaces_are_accepted():
    assert parse_id_number(" 11010519491231002x ").value == "11010519491231002X"


def test_check_digit_computation_matches_standard_example():
    assert id_check_digit("34052419800101001") == "X"
    assert id_check_digit("11010519491231002") == "X"


def test_gender_comes_from_the_17th_digit():
    assert parse_id_number(make_id("51011219800101001")).gender == "M"
    assert parse_id_number(make_id("51011219800101002")).gender == "F"


@pytest.mark.parametrize("wrong", ["110105194912310021", "110105194912310020", "11010519491231002Y"])
def test_wrong_check_digit_is_refused(wrong):
    with pytest.raises(ValueError):
        parse_id_number(wrong)


def test_every_single_digit_typo_is_caught():
    good = make_id("51011219850615123")
    for position in range(17):
        for digit in "0123456789":
            if good[position] == digit:
                continue
            typo = good[:position] + digit + good[position + 1:]
            try:
                parse_id_number(typo)
            except ValueError:
                continue
            pytest.fail(f"typo at {position} accepted: {typo}")


@pytest.mark.parametrize("first17", ["51011219800230001", "51011219801301001", "51011219000229001",
                                     "51011221990101001", "51011218800101001"])
def test_impossible_birth_dates_are_refused(first17):
    with pytest.raises(ValueError, match="出生日期"):
        parse_id_number(make_id(first17))


def test_leap_day_is_a_real_date():
    assert parse_id_number(make_id("51011220000229001")).birth_date == dt.date(2000, 2, 29)


@pytest.mark.parametrize("bad", ["", "5101121980010100", "5101121980010100123", "A10105194912310021",
                                 make_id("99011219800101001")])
def test_malformed_ids_are_refused(bad):
    with pytest.raises(ValueError):
        parse_id_number(bad)


@pytest.mark.parametrize("raw, expected", [("13812341234", "13812341234"), ("138 1234 1234", "13812341234"),
                                          ("+86 138-1234-1234", "13812341234"), ("028-84851234", "02884851234"),
                                          ("0830 1234567", "08301234567")])
def test_phone_numbers_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("bad", ["1381234123", "12812341234", "23812341234", "phone", "84851234"])
def test_bad_phone_numbers_are_refused(bad):
    with pytest.raises(ValueError):
        normalize_phone(bad)


def test_village_code():
    assert validate_village_code(" 510112104201 ") == "510112104201"
    for bad in ["51011210420", "5101121042011", "990112104201", "510112000201", "510112104000", "51011210420a"]:
        with pytest.raises(ValueError):
            validate_village_code(bad)


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_typed_ids_in_full_width_or_groups_are_stored_in_ascii():
    value = make_id("51011219800101002")
    assert parse_id_number(value.translate(FULL_WIDTH)).value == value
    assert parse_id_number(f"{value[:6]} {value[6:14]} {value[14:]}").value == value
    assert parse_id_number(f"{value[:6]}-{value[6:14]}-{value[14:]}").value == value


@pytest.mark.parametrize("bad", ["5101121980010100²", "٥١٠١١٢١٩٨٠٠١٠١٠٠١٢"])
def test_digits_of_other_scripts_are_not_digits(bad):
    """``str.isdigit`` is true for superscripts and Arabic-Indic digits: an ID is ASCII digits."""
    with pytest.raises(ValueError):
        parse_id_number(bad)


def test_an_old_15_digit_id_asks_for_the_18_digit_number():
    with pytest.raises(ValueError, match="15"):
        parse_id_number("510112800101001")


@pytest.mark.parametrize("raw", ["１３８１２３４１２３４", "8613812341234", "+86 138 1234 1234", "0086-138-1234-1234",
                                 "138.1234.1234", "(138) 1234 1234", "１３８－１２３４－１２３４"])
def test_every_written_form_of_a_mobile_number_is_accepted(raw):
    assert normalize_phone(raw) == "13812341234"


def test_a_full_width_village_code_is_accepted():
    assert validate_village_code("５１０１１２１０４２０１") == "510112104201"
