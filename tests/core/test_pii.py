"""ID numbers and phones: validation (GB 11643), encryption at rest, lookup MACs, masking."""

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.pii import (
    PiiCipher,
    _derive,
    decode_data_key,
    mask_id_number,
    mask_phone,
    normalize_phone,
    parse_id_number,
)

# 140212 新荣区 is valid for births from 1983; checksum computed by hand below.
VALID_ID = "14021219900307" + "123"


def with_check_digit(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    remainder = sum(int(d) * w for d, w in zip(first17, weights)) % 11
    return first17 + "10X98765432"[remainder]


def test_parse_valid_id_number_derives_birth_date_and_sex():
    number = with_check_digit(VALID_ID)
    facts = parse_id_number(number)
    assert facts.birth_date.isoformat() == "1990-03-07"
    assert facts.sex == "male"  # 17th digit 3 is odd
    assert facts.area_code == "140212"
    assert ric.validate(number) == number


def test_female_when_seventeenth_digit_is_even():
    assert parse_id_number(with_check_digit("14021219900307124")).sex == "female"


def test_lowercase_x_check_digit_is_normalized():
    # find a body whose check digit is X
    for seq in range(1000):
        number = with_check_digit(f"14021219900307{seq:03d}")
        if number.endswith("X"):
            break
    assert parse_id_number(number.lower()).id_number == number


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("14021219900307123", "must have 18 characters"),
        ("1402121990030712A5", "must be 17 digits followed by a digit or X"),
        ("140212199003071230", "check digit does not match (GB 11643)"),
    ],
)
def test_invalid_id_numbers_are_refused_with_reason(bad, reason):
    if reason.startswith("check digit"):
        good = with_check_digit(VALID_ID)
        bad = good[:-1] + str((int(good[-1]) + 1) % 10 if good[-1] != "X" else 0)
    with pytest.raises(InvalidInput) as caught:
        parse_id_number(bad)
    assert caught.value.details["reason"] == reason
    assert caught.value.code == "invalid_id_number"


def test_impossible_birth_date_is_refused():
    with pytest.raises(InvalidInput, match="birth date or area code"):
        parse_id_number(with_check_digit("14021219900231123"))  # 31 February


def test_area_code_that_did_not_exist_in_the_birth_year_is_refused():
    # 平城区 140213 exists only from 2018
    with pytest.raises(InvalidInput):
        parse_id_number(with_check_digit("14021319900307123"))


def test_masking():
    assert mask_id_number("140212199003071234") == "1402**********1234"
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("raw, expected", [("138 1234 5678", "13812345678"), ("+8613812345678", "13812345678")])
def test_phone_normalization(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "abc"])
def test_bad_phone_refused(raw):
    with pytest.raises(InvalidInput):
        normalize_phone(raw)


KEY = bytes(range(32))


@given(st.text(min_size=1, max_size=40))
def test_encrypt_decrypt_round_trip_and_no_plaintext(value):
    cipher = PiiCipher(KEY)
    blob = cipher.encrypt(value)
    assert cipher.decrypt(blob) == value
    if len(value.encode()) >= 4:
        assert value.encode() not in blob


def test_same_value_encrypts_differently_but_macs_equal():
    cipher = PiiCipher(KEY)
    assert cipher.encrypt("140212199003071234") != cipher.encrypt("140212199003071234")
    assert cipher.lookup_mac("140212199003071234") == cipher.lookup_mac("140212199003071234")
    assert cipher.lookup_mac("140212199003071234") != cipher.lookup_mac("140212199003071235")


@given(st.text(max_size=80))
def test_lookup_mac_is_hmac_sha256_under_the_derived_key(value):
    # stored MACs (resident.id_number_mac, sample.person_mac) must stay what the standard HMAC gives
    expected = hmac.new(_derive(KEY, b"fangkong pii lookup"), value.encode(), hashlib.sha256).digest()[:16]
    assert PiiCipher(KEY).lookup_mac(value) == expected


def test_other_key_cannot_decrypt_or_match():
    blob = PiiCipher(KEY).encrypt("13812345678")
    other = PiiCipher(bytes(32))
    with pytest.raises(DomainError) as caught:
        other.decrypt(blob)
    assert caught.value.code == "pii_key_mismatch"
    assert other.lookup_mac("13812345678") != PiiCipher(KEY).lookup_mac("13812345678")


@pytest.mark.parametrize("text, code", [("", "missing_data_key"), ("c2hvcnQ=", "bad_data_key"), ("!!!", "bad_data_key")])
def test_data_key_must_be_32_bytes_base64(text, code):
    with pytest.raises(DomainError) as caught:
        decode_data_key(text)
    assert caught.value.code == code
