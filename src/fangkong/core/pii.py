"""Personal data: resident ID numbers and phones — validation, encryption at rest, lookup MACs, masking.

Stored form: AES-256-GCM ciphertext (12-byte nonce ‖ ciphertext ‖ tag) plus a truncated
HMAC-SHA256 of the normalized value, so that equality lookups use an index while a copied
database file holds no readable number. Both keys derive from FANGKONG_DATA_KEY via HKDF.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from fangkong.config import get_settings
from fangkong.core import clock
from fangkong.core.errors import DomainError, InvalidInput

NONCE_BYTES = 12
MAC_BYTES = 16
SHA256_BLOCK = 64
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
# The earliest birth date an ID number may carry (README, "ID numbers"); the latest is the clock's today.
EARLIEST_BIRTH = date(1900, 1, 1)
BORN_AFTER_TODAY = "birth date is after today"
BORN_TOO_EARLY = f"birth date is before {EARLIEST_BIRTH.isoformat()}"

_ID_REASONS = {
    stdnum_errors.InvalidLength: "must have 18 characters",
    stdnum_errors.InvalidFormat: "must be 17 digits followed by a digit or X",
    stdnum_errors.InvalidChecksum: "check digit does not match (GB 11643)",
    stdnum_errors.InvalidComponent: "birth date or area code is not valid",
}


@dataclass(frozen=True)
class IdNumberFacts:
    id_number: str
    birth_date: date
    sex: str  # "male" | "female"
    area_code: str


def normalize_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def birth_date_problem(born: date, today: date | None = None) -> str | None:
    """Why a birth date cannot be a living person's, or None: after today, or before EARLIEST_BIRTH."""
    if born > (today or clock.today()):
        return BORN_AFTER_TODAY
    if born < EARLIEST_BIRTH:
        return BORN_TOO_EARLY
    return None


def id_number_problem(value: str) -> str | None:
    """Why an ID number is invalid, or None when it is valid."""
    number = normalize_id_number(value)
    try:
        ric.validate(number)
    except stdnum_errors.ValidationError as exc:
        for kind, reason in _ID_REASONS.items():
            if isinstance(exc, kind):
                return reason
        return "is not a valid resident ID number"
    except (KeyError, ValueError):
        return "area code is unknown"
    return birth_date_problem(ric.get_birth_date(number))


def parse_id_number(value: str, field: str = "id_number") -> IdNumberFacts:
    number = normalize_id_number(value)
    problem = id_number_problem(number)
    if problem:
        raise InvalidInput(
            "invalid_id_number",
            f"{field}: {problem}",
            details={"field": field, "reason": problem},
        )
    return IdNumberFacts(
        id_number=number,
        birth_date=ric.get_birth_date(number),
        sex="male" if int(number[16]) % 2 else "female",
        area_code=number[:6],
    )


def normalize_phone(value: str, field: str = "phone") -> str:
    phone = re.sub(r"[\s-]", "", value)
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_PATTERN.match(phone):
        raise InvalidInput(
            "invalid_phone",
            f"{field}: must be an 11-digit mainland mobile number",
            details={"field": field, "reason": "must be an 11-digit mainland mobile number"},
        )
    return phone


def mask_id_number(value: str) -> str:
    return value[:4] + "*" * 10 + value[-4:] if len(value) == 18 else "*" * len(value)


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) == 11 else "*" * len(value)


class PiiCipher:
    """Encrypts, decrypts and MACs personal data with keys derived from one data key."""

    def __init__(self, data_key: bytes) -> None:
        if len(data_key) != 32:
            raise ValueError("the data key must be 32 bytes")
        self._aead = AESGCM(_derive(data_key, b"fangkong pii aes-gcm"))
        # HMAC-SHA256 (RFC 2104) kept as its two padded-key hash states: copying those costs half of
        # hmac.HMAC.copy(), and a city round MACs 3 million ID numbers
        mac_key = _derive(data_key, b"fangkong pii lookup").ljust(SHA256_BLOCK, b"\0")
        self._mac_inner = hashlib.sha256(bytes(b ^ 0x36 for b in mac_key))
        self._mac_outer = hashlib.sha256(bytes(b ^ 0x5C for b in mac_key))

    def encrypt(self, plaintext: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext.encode(), None)

    def decrypt(self, blob: bytes) -> str:
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], None).decode()
        except InvalidTag:
            raise DomainError(
                "pii_key_mismatch",
                "personal data cannot be decrypted with the configured FANGKONG_DATA_KEY",
                status=500,
            ) from None

    def lookup_mac(self, normalized: str) -> bytes:
        inner, outer = self._mac_inner.copy(), self._mac_outer.copy()
        inner.update(normalized.encode())
        outer.update(inner.digest())
        return outer.digest()[:MAC_BYTES]


def _derive(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


def new_data_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def decode_data_key(text: str) -> bytes:
    if not text:
        raise DomainError(
            "missing_data_key",
            "FANGKONG_DATA_KEY is not set; run `fangkong init` or set it to 32 random bytes in base64",
        )
    try:
        key = base64.urlsafe_b64decode(text.encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise DomainError("bad_data_key", "FANGKONG_DATA_KEY must be 32 bytes encoded in base64")
    return key


@lru_cache
def cipher_for(key_text: str) -> PiiCipher:
    return PiiCipher(decode_data_key(key_text))


def get_cipher() -> PiiCipher:
    return cipher_for(get_settings().data_key)
