"""schemathesis over the whole OpenAPI contract of the real app, with a valid API token, on both databases.

Every operation gets schema-valid and schema-invalid requests (bounded, derandomized: the same
examples on every run); no answer may be a server error, and every answer must be one the
contract documents, in the documented shape. Each operation runs with the token of a city-level
user whose role may do it (`prevention` where it can) and whose scopes are every action of that
role, so the requests reach the services instead of stopping at 403.
"""

from __future__ import annotations

from collections import Counter

import factories
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from sqlalchemy.orm import Session

from fangkong.app import BEARER_SCHEME, create_app
from fangkong.core.permissions import ACTIONS, ROLES, role_allows
from fangkong.core.tokens import create_token

PREFERRED_ROLE = "prevention"  # city level, may do the most; other roles only for what it may not do
EXAMPLES_PER_OPERATION = 30
# Schema-valid is not domain-valid: an 18-character ID number can still fail its GB 11643 check digit,
# a district code can be unknown. Those answers are 422/404 in the error model, checked like any other.
# And the schema is generated from the very models that validate, so "invalid data accepted" only
# flags pydantic's lax coercions of query strings ("0" read as the date 1970-01-01), not missing checks.
NOT_APPLICABLE = [positive_data_acceptance, negative_data_rejection]


def _declared_actions(app) -> dict[tuple[str, str], str | None]:
    """(METHOD, path) of every route → the action it declares through require() (None: public)."""
    try:
        from fastapi.routing import iter_route_contexts  # recent FastAPI keeps included routers nested
    except ImportError:
        routes = list(app.routes)
    else:
        routes = list(iter_route_contexts(app.routes))
    declared = {}

    def walk(dependant, key) -> None:
        for dependency in dependant.dependencies:
            if hasattr(dependency.call, "fangkong_action"):
                declared[key] = dependency.call.fangkong_action
            walk(dependency, key)

    for route in routes:
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


def _fuzz(operation, answers: Counter) -> None:
    """Bounded, derandomized examples of one operation, valid and invalid, each checked against the contract."""
    modes = st.sampled_from([schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])

    @given(case=modes.flatmap(lambda mode: operation.as_strategy(generation_mode=mode)))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None)
    def holds(case):
        response = case.call_and_validate(excluded_checks=NOT_APPLICABLE)
        answers[response.status_code] += 1

    holds()


def test_the_whole_contract_holds_with_a_valid_token(fresh_database):
    app = create_app(engine=fresh_database.engine)
    actions = _declared_actions(app)
    contract = app.openapi()["paths"]
    operations = [(method.upper(), path) for path, methods in contract.items() for method in methods]
    assert ("POST", "/api/v1/residents/{resident_id}/reveal") in operations
    roles = {(key, _role_for(actions[key])) for key in operations}
    tokens = _seed(fresh_database.engine, {role for _key, role in roles})

    answers: dict[str, Counter] = {}
    for role, token in tokens.items():
        # the token is the credential of the contract's bearer scheme: negative cases may drop or spoil it
        config = schemathesis.Config.from_dict({"auth": {"openapi": {BEARER_SCHEME: {"bearer": token}}}})
        schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=config)
        for (method, path), chosen in sorted(roles):
            if chosen == role:
                _fuzz(schema[path][method], answers.setdefault(f"{method} {path}", Counter()))

    assert len(answers) == len(operations)
    # the tokens opened every operation: each one answered something else than "who are you?" / "not you"
    refused_only = [label for label, statuses in answers.items() if not set(statuses) - {401, 403}]
    assert not refused_only, answers
