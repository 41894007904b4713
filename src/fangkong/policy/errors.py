"""Refusals of the policy domain: stable codes, one clear sentence each."""

from __future__ import annotations

from fangkong.core.errors import DomainError


class PolicyError(DomainError):
    """Base of the policy domain's refusals (HTTP 400 unless said otherwise)."""


class PackInvalid(PolicyError):
    status = 422

    def __init__(self, message: str) -> None:
        super().__init__("pack_invalid", message)


class UnknownPack(PolicyError):
    status = 404

    def __init__(self, pack_id: str, known: list[str]) -> None:
        super().__init__("unknown_pack", f"no policy pack {pack_id!r}; known: {', '.join(known)}")


class NoPackInForce(PolicyError):
    def __init__(self, on: object) -> None:
        super().__init__("no_pack_in_force", f"no policy pack is in force on {on}")


class UnknownCategory(PolicyError):
    def __init__(self, code: str) -> None:
        from fangkong.policy.schemas import CATEGORY_CODES

        super().__init__("unknown_category", f"unknown category {code!r}; known: {', '.join(CATEGORY_CODES)}")


class CategoryNotIdentified(PolicyError):
    """The pack does not identify the category (measures20: secondary contacts)."""

    def __init__(self, pack_id: str, category: str, note: str) -> None:
        super().__init__(
            "category_not_identified",
            f"pack {pack_id} does not identify {category}: {note}",
            details={"pack": pack_id, "category": category},
        )


class CategoryNotPlanned(PolicyError):
    """The category exists but gets no quarantine plan (cases: treatment)."""

    def __init__(self, pack_id: str, category: str, note: str) -> None:
        super().__init__(
            "category_not_planned",
            f"pack {pack_id} has no quarantine plan for {category}: {note}",
            details={"pack": pack_id, "category": category},
        )


class UnknownOption(PolicyError):
    def __init__(self, pack_id: str, category: str, option: str, known: list[str]) -> None:
        choices = ", ".join(known) if known else "none (this category has only the default plan)"
        super().__init__(
            "unknown_option", f"pack {pack_id} has no alternative {option!r} for {category}; alternatives: {choices}"
        )


class OverrideRefused(PolicyError):
    status = 409

    def __init__(self, message: str) -> None:
        super().__init__("override_refused", message)
