"""Policy packs as Pydantic models: strict, extra fields refused, consistency checked.

A pack is data (packs/*.toml); nothing here knows edition 9 or the 20 measures. Checks
that need more than one field raise ``ValueError("<sub.path>: message")``: the sub-path
is relative to the model that raised and `registry.format_error` joins it to the
location Pydantic reports, so every refusal names the exact field.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PhaseKind = Literal["centralized_quarantine", "home_quarantine", "home_monitoring", "testing_only"]
Anchor = Literal["last_exposure", "arrival", "left_zone", "left_closed_loop", "diagnosis"]
Tier = Literal["high", "medium", "low"]
Granularity = Literal["village", "compound", "building", "unit"]  # village: a whole community (社区/村)
FullRound = Literal["none", "on_last_day", "within_24h_before"]
SingleTubeGroup = Literal["managed_people", "fever_clinics", "high_risk_zones"]

CATEGORY_CODES = (
    "close_contact",
    "secondary_contact",
    "inbound",
    "from_high_risk_zone",
    "from_medium_risk_zone",
    "from_low_risk_zone",
    "high_risk_job",
    "case",
)
# harshness of a phase kind, for "stricter than the pack"; a property of the vocabulary, not of a pack
SEVERITY: dict[str, int] = {
    "testing_only": 0,
    "home_monitoring": 1,
    "home_quarantine": 2,
    "centralized_quarantine": 3,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _check_days(values: list[int], name: str, last: int, what: str) -> None:
    seen: set[int] = set()
    for index, day in enumerate(values):
        if not 1 <= day <= last:
            raise ValueError(f"{name}[{index}]: {what} {day} is outside the phase (1..{last})")
        if day in seen:
            raise ValueError(f"{name}[{index}]: {what} {day} is listed twice")
        if index and day < values[index - 1]:
            raise ValueError(f"{name}[{index}]: {what}s must be in increasing order ({values[index - 1]} then {day})")
        seen.add(day)


class Text(_Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Source(_Strict):
    document: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    published: date
    note: str = ""


class Phase(_Strict):
    kind: PhaseKind
    days: int = Field(ge=1, le=366)
    test_days: list[int] = []

    @model_validator(mode="after")
    def _test_days_inside(self) -> Phase:
        _check_days(self.test_days, "test_days", self.days, "test day")
        if self.kind == "testing_only" and not self.test_days:
            raise ValueError("test_days: a testing_only phase needs at least one test day")
        return self


def _check_phases(phases: list[Phase], name: str) -> None:
    if not phases:
        raise ValueError(f"{name}: at least one phase is needed")


class Alternative(_Strict):
    """Another plan the pack equally allows (ed9 high-risk job: centralized OR home quarantine)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text
    phases: list[Phase]

    @model_validator(mode="after")
    def _has_phases(self) -> Alternative:
        _check_phases(self.phases, "phases")
        return self


class Category(_Strict):
    identified: bool = True  # false: the pack does not identify this category at all
    planned: bool = True  # false: handled outside quarantine plans (cases: treatment)
    anchor: Anchor | None = None
    phases: list[Phase] = []
    default_label: Text | None = None  # names the default plan when alternatives exist
    alternatives: list[Alternative] = []
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Category:
        if not self.identified or not self.planned:
            why = "the pack does not identify this category" if not self.identified else "planned = false"
            for name in ("phases", "alternatives"):
                if getattr(self, name):
                    raise ValueError(f"{name}: must be empty when {why}")
            if not self.note:
                raise ValueError(f"note: say why ({why}); the refusal message quotes it")
            return self
        if self.anchor is None:
            raise ValueError("anchor: an identified, planned category needs its anchor event")
        _check_phases(self.phases, "phases")
        ids = [alt.id for alt in self.alternatives]
        for index, alt_id in enumerate(ids):
            if alt_id in ids[:index]:
                raise ValueError(f"alternatives[{index}].id: {alt_id!r} is used twice")
        if self.alternatives and self.default_label is None:
            raise ValueError("default_label: name the default plan when alternatives exist")
        return self

    def option_phases(self, option: str | None) -> list[Phase]:
        if option in (None, "default"):
            return self.phases
        for alt in self.alternatives:
            if alt.id == option:
                return alt.phases
        raise KeyError(option)

    @property
    def options(self) -> list[str | None]:
        return [None, *(alt.id for alt in self.alternatives)]


class Categories(_Strict):
    close_contact: Category
    secondary_contact: Category
    inbound: Category
    from_high_risk_zone: Category
    from_medium_risk_zone: Category
    from_low_risk_zone: Category
    high_risk_job: Category
    case: Category


class LiftingRule(_Strict):
    from_tier: Tier
    to_tier: Tier
    clean_days: int = Field(ge=1)  # consecutive days without a new infection
    full_round: FullRound  # the negative full testing round the lift needs
    downgraded_only: bool = False  # applies only to a zone that reached from_tier by a downgrade


class HighZoneTesting(_Strict):
    daily: bool = False
    full_round_days: list[int] = []  # days after sealing
    antigen_days: list[int] = []
    then: str = ""

    @model_validator(mode="after")
    def _one_regime(self) -> HighZoneTesting:
        if self.daily == bool(self.full_round_days):
            raise ValueError("daily: give either daily = true or full_round_days, not both or neither")
        return self


class Zones(_Strict):
    tiers: list[Tier]  # highest first
    granularity: list[Granularity]
    may_widen_when_spread_unclear: bool = False
    lifting: list[LiftingRule]
    lift_needs_approval: bool = True
    high_zone_testing: HighZoneTesting
    venue_tier: Tier  # the tier proposed for a venue where an infected person stayed (residences get the highest)

    @model_validator(mode="after")
    def _consistent(self) -> Zones:
        if not self.tiers or self.tiers[-1] != "low" or len(set(self.tiers)) != len(self.tiers):
            raise ValueError("tiers: distinct tiers, highest first, ending with 'low'")
        order = ["high", "medium", "low"]
        if self.tiers != sorted(self.tiers, key=order.index):
            raise ValueError("tiers: list them highest first")
        if not self.granularity or len(set(self.granularity)) != len(self.granularity):
            raise ValueError("granularity: at least one, each once")
        if self.venue_tier not in self.tiers[:-1]:
            raise ValueError(f"venue_tier: {self.venue_tier!r} is not one of the zone tiers above 'low'")
        for index, rule in enumerate(self.lifting):
            for name in ("from_tier", "to_tier"):
                if getattr(rule, name) not in self.tiers:
                    raise ValueError(f"lifting[{index}].{name}: tier {getattr(rule, name)!r} is not in tiers")
            if self.tiers.index(rule.to_tier) <= self.tiers.index(rule.from_tier):
                raise ValueError(f"lifting[{index}].to_tier: a lift goes to a lower tier than {rule.from_tier!r}")
        for tier in self.tiers[:-1]:
            if not any(r.from_tier == tier and not r.downgraded_only for r in self.lifting):
                raise ValueError(f"lifting: no rule lifts a zone designated {tier!r}")
        return self


class TurnaroundHours(_Strict):
    fever_emergency: int = Field(ge=1)
    in_outpatient: int = Field(ge=1)
    voluntary: int = Field(ge=1)


class MassTestingStop(_Strict):
    clean_rounds: int = Field(ge=1)  # consecutive clean daily rounds
    wait_days: int = Field(ge=0)
    final_rounds: int = Field(ge=0)


class Testing(_Strict):
    pool_sizes: list[int]
    default_pool_size: int
    repooling_allowed: bool
    single_tube_for: list[SingleTubeGroup]
    mass_testing_reasons: list[str] = Field(min_length=1)  # the only reasons to test a whole area
    targeted_testing_reasons: list[str] = Field(min_length=1)  # zones, lists of people, clinics
    mass_testing_stop: MassTestingStop
    turnaround_hours: TurnaroundHours
    area_sampling_hours: int = Field(ge=1)
    suspected_positive_report_hours: int = Field(ge=1)
    inbound_ct_positive_below: float = Field(gt=0)
    inbound_ct_review_up_to: float = Field(gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> Testing:
        for index, size in enumerate(self.pool_sizes):
            if size < 1 or size in self.pool_sizes[:index]:
                raise ValueError(f"pool_sizes[{index}]: {size} must be a positive size listed once")
        if 1 not in self.pool_sizes:
            raise ValueError("pool_sizes: single tube (1) must be allowed")
        if self.default_pool_size not in self.pool_sizes:
            raise ValueError(f"default_pool_size: {self.default_pool_size} is not one of pool_sizes")
        if self.inbound_ct_review_up_to < self.inbound_ct_positive_below:
            raise ValueError("inbound_ct_review_up_to: must not be below inbound_ct_positive_below")
        return self


class Tracing(_Strict):
    close_contact_window_days: int = Field(ge=0)  # infectious look-back: days before onset / sampling
    time_space_companion: bool  # 时空伴随 widens contacts
    fever_threshold_celsius: float = Field(ge=35, le=42)
    copresence_gap_minutes: int = Field(ge=0, le=240)  # same venue: overlap, or apart by at most this
    venue_kinds: list[str] = Field(min_length=1)  # venue kinds whose scans propose candidates
    propose_secondary_contacts: bool  # contacts of a confirmed close contact proposed as secondary_contact


class Pack(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Text
    source: Source
    effective_from: date
    effective_until: date | None = None  # first day no longer in force (exclusive)
    categories: Categories
    zones: Zones
    testing: Testing
    tracing: Tracing
    @model_validator(mode="after")
    def _range(self) -> Pack:
        if self.effective_until is not None and self.effective_until <= self.effective_from:
            raise ValueError(
                f"effective_until: {self.effective_until} must be after effective_from {self.effective_from}"
            )
        if self.tracing.propose_secondary_contacts and not self.identifies("secondary_contact"):
            raise ValueError("tracing.propose_secondary_contacts: true needs categories.secondary_contact identified")
        return self

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_until is None or on < self.effective_until)

    def category(self, code: str) -> Category:
        if code not in CATEGORY_CODES:
            from fangkong.policy.errors import UnknownCategory

            raise UnknownCategory(code)
        return getattr(self.categories, code)

    def identifies(self, code: str) -> bool:
        return self.category(code).identified

    def total_days(self, code: str, option: str | None = None) -> int:
        """Length of a category's plan in days (0 when the pack does not plan it)."""
        cat = self.category(code)
        if not (cat.identified and cat.planned):
            return 0
        return sum(phase.days for phase in cat.option_phases(option))


class LocalOverride(BaseModel):
    """A recorded local measure stricter than the pack: extend a phase kind and/or add test days.

    Scope, approver and end date are stored by whoever records it (people/); the engine
    only needs what changes the plan. Nothing laxer can be expressed.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    phase_kind: PhaseKind
    extra_days: int = Field(default=0, ge=0)
    extra_test_days: tuple[int, ...] = ()  # numbered within the extended phase (day 1 = its first day)
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _changes_something(self) -> LocalOverride:
        for index, day in enumerate(self.extra_test_days):
            if day < 1:
                raise ValueError(f"extra_test_days[{index}]: test day {day} must be 1 or later")
            if day in self.extra_test_days[:index]:
                raise ValueError(f"extra_test_days[{index}]: test day {day} is listed twice")
        if self.extra_days == 0 and not self.extra_test_days:
            raise ValueError("extra_days: an override must add days or test days")
        return self
