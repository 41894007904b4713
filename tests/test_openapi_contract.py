"""schemathesis over the whole OpenAPI contract of the real app, with a valid API token, on both databases.

Every operation gets schema-valid and schema-invalid requests (bounded, derandomized: the same
examples on every run) and the coverage phase's requests with methods its path does not have; every
answer goes through all of schemathesis's checks: no server error, only answers the contract documents,
in the documented shape, valid data accepted, invalid data refused, 405 with `Allow` for a method the
path lacks, `Allow` of OPTIONS as documented. Each operation runs with the token of a city-level
user whose role may do it (`prevention` where it can) and whose scopes are every action of that
role, so the requests reach the services instead of stopping at 403.
"""

from __future__ import annotations

from collections import Counter

import factories
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.generation.meta import CoverageScenario, coverage_scenario
from sqlalchemy.orm import Session

from fangkong.app import BEARER_SCHEME, create_app
from fangkong.core.permissions import ACTIONS, ROLES, role_allows
from fangkong.core.routes import route_contexts
from fangkong.core.tokens import create_token

PREFERRED_ROLE = "prevention"  # city level, may do the most; other roles only for what it may not do
EXAMPLES_PER_OPERATION = 30
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # positive_data_acceptance's own default
# Schema-valid is not domain-valid: on these routes positive_data_acceptance also takes the refusal (422, or
# 400 for a pack missing that day) of a domain rule the schema cannot say (a check digit, a rule across
# fields, data of the city or of the packs). Every other check, and every other route, refuses no valid data.
DOMAIN_RULES = {
    ("POST", "/api/v1/residents"): (["422"], "GB 11643 check digit and birth date of the ID number"),
    ("POST", "/api/v1/residents/lookup"): (["422"], "GB 11643 check digit of the ID number"),
    ("POST", "/api/v1/enterprises"): (["422"], "check digit of the unified social credit code"),
    ("POST", "/api/v1/enterprises/problems"): (["422"], "an enterprise or a construction site, exactly one"),
    ("POST", "/api/v1/cases"): (["422"], "a non-resident needs a name and a document (or a resident_id)"),
    ("POST", "/api/v1/managed"): (["400", "422"], "a non-resident needs a name and a document; a pack in force"),
    ("POST", "/api/v1/managed/import"): (["422"], "the file must be a readable .xlsx workbook with the columns"),
    ("POST", "/api/v1/hotline/tickets"): (["422"], "the topic must be a code of the topic tree (data)"),
    ("POST", "/api/v1/supplies/orders"): (["422"], "a resident_id or a household_id, one of them"),
    ("POST", "/api/v1/supplies/orders/move"): (["422"], "a reason to fail an order"),
    ("POST", "/api/v1/supplies/points"): (["422"], "a point serves at least one community or compound"),
    ("POST", "/api/v1/zones/daily"): (["400"], "a policy pack must be in force that day (packs' dates are data)"),
    ("POST", "/api/v1/inspection/collect"): (["400"], "a policy pack must be in force that day"),
    ("POST", "/api/v1/lab/rounds"): (["400", "422"], "a pack in force on the start; zones or places named by scope"),
    ("POST", "/api/v1/residents/export"): (["422"], "a reason for an unmasked export"),
    ("POST", "/api/v1/inspection/items"): (["422"], "the rectification deadline not before today (the clock)"),
    ("POST", "/api/v1/inspection/items/{item_id}/photo"): (["422"], "the photo must be a JPEG or PNG image"),
    ("POST", "/api/v1/supplies/packages"): (["422"], "no NUL character in text (core.db refuses it everywhere)"),
    ("POST", "/api/v1/overrides"): (["422"], "a site's code when scope_kind is site; ends_on not before starts_on"),
    ("GET", "/open311/v2/requests.{fmt}"): (["400"], "start_date to end_date: at most 90 days, the start first"),
}


def _declared_actions(app) -> dict[tuple[str, str], str | None]:
    """(METHOD, path) of every route → the action it declares through require() (None: public)."""
    declared = {}

    def walk(dependant, key) -> None:
        for dependency in dependant.dependencies:
            if hasattr(dependency.call, "fangkong_action"):
                declared[key] = dependency.call.fangkong_action
            walk(dependency, key)

    for route in route_contexts(app):
        original = getattr(route, "original_route", route)
        for method in getattr(route, "methods", None) or ():
            if hasattr(original, "dependant"):
                walk(original.dependant, (method, route.path))
    return declared


def _role_for(action: str | None) -> str:
    if action is None or role_allows(PREFERRED_ROLE, action):
        return PREFERRED_ROLE
    return next(role for role in ROLES if role_allows(role, action))


def _seed(engine, roles: set[str]) -> dict[str, str]:
    """A few places and residents, and per role a city-level user whose token carries every action the role
    allows; committed, for the app to see."""
    tokens = {}
    with Session(engine) as session, session.begin():
        unit = factories.place_chain(session)
        by = factories.actor(session, role=PREFERRED_ROLE, jurisdiction="140200", username="contract-seed")
        for seq, name in enumerate(("王秀英", "李建国", "张桂兰")):
            factories.resident(session, name=name, unit=unit, by=by, id_number=factories.id_number(seq=seq + 1))
        for role in sorted(roles):
            user = factories.user(session, role=role, jurisdiction="140200", username=f"contract-{role}")
            scopes = [action for action in ACTIONS if role_allows(role, action)]
            _row, tokens[role] = create_token(session, username=user.username, name="schemathesis", scopes=scopes)
    return tokens


def _operations_config(operations) -> list[dict]:
    """schemathesis's per-operation settings: the routes whose valid data may meet a domain rule's refusal."""
    return [{"include-name": f"{method} {path}",
             "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, *DOMAIN_RULES[method, path][0]]}}}
            for method, path in operations if (method, path) in DOMAIN_RULES]


def _fuzz(operation, answers: Counter) -> None:
    """Bounded, derandomized examples of one operation, valid and invalid, each checked against the contract."""
    modes = st.sampled_from([schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])

    @given(case=modes.flatmap(lambda mode: operation.as_strategy(generation_mode=mode)))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None)
    def holds(case):
        response = case.call_and_validate()
        answers[response.status_code] += 1

    holds()


def _other_methods(schema, operation, answers: Counter) -> None:
    """The coverage phase's requests with a method the path does not have (OPTIONS, TRACE, DELETE, …)."""
    generation = schema.config.generation_for(operation=operation)
    for case in schema.iter_coverage_cases(operation, generation_modes=[schemathesis.GenerationMode.NEGATIVE],
                                           generation_config=generation):
        if coverage_scenario(case) == CoverageScenario.UNSPECIFIED_HTTP_METHOD:
            answers[case.call_and_validate().status_code] += 1


def _checked(label: str, failures: dict, run, *args) -> None:
    try:
        run(*args)
    except (Exception, BaseExceptionGroup) as failure:  # every operation runs, the failures are reported together
        failures[label] = str(failure).strip().splitlines()[:12]


def test_the_whole_contract_holds_with_a_valid_token(fresh_database):
    app = create_app(engine=fresh_database.engine)
    actions = _declared_actions(app)
    contract = app.openapi()["paths"]
    operations = [(method.upper(), path) for path, methods in contract.items() for method in methods]
    assert ("POST", "/api/v1/residents/{resident_id}/reveal") in operations
    roles = {(key, _role_for(actions[key])) for key in operations}
    tokens = _seed(fresh_database.engine, {role for _key, role in roles})

    answers: dict[str, Counter] = {}
    failures: dict[str, list[str]] = {}
    for role, token in tokens.items():
        # the token is the credential of the contract's bearer scheme: negative cases may drop or spoil it
        config = schemathesis.Config.from_dict({"auth": {"openapi": {BEARER_SCHEME: {"bearer": token}}},
                                                "operations": _operations_config(operations)})
        schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=config)
        for (method, path), chosen in sorted(roles):
            if chosen == role:
                label, operation = f"{method} {path}", schema[path][method]
                _checked(label, failures, _fuzz, operation, answers.setdefault(label, Counter()))
                _checked(f"{label} (other methods)", failures, _other_methods, schema, operation, answers[label])

    assert not failures, "\n\n".join(f"{label}:\n" + "\n".join(lines) for label, lines in failures.items())
    assert len(answers) == len(operations)
    assert set(DOMAIN_RULES) <= set(operations), set(DOMAIN_RULES) - set(operations)
    # the tokens opened every operation: each one answered something else than "who are you?" / "not you"
    refused_only = [label for label, statuses in answers.items() if not set(statuses) - {401, 403}]
    assert not refused_only, answers
