"""Log in like a browser: fetch the form's CSRF token, post it, then send the page token on writes (as HTMX does)."""

from __future__ import annotations

import re

CSRF_HEADER = "X-CSRF-Token"
_TOKEN = re.compile(r'(?:name="csrf_token" value|name="csrf-token" content)="([0-9a-f]{64})"')


def csrf_from(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login_token(client) -> str:
    """The token of the login form (this also sets the pre-session cookie it is bound to)."""
    return csrf_from(client.get("/login").text)


def log_in(client, username: str, password: str, next: str = "/"):
    """POST the login form with its token; on success the client sends the session's token on every request."""
    form = {"username": username, "password": password, "next": next, "csrf_token": login_token(client)}
    response = client.post("/login", data=form, follow_redirects=False)
    if response.status_code == 303:
        arm(client)
    return response


def arm(client) -> str:
    """Send the current page's CSRF token as a header from now on, like hx-headers on <body>."""
    client.headers.pop(CSRF_HEADER, None)
    token = csrf_from(client.get("/").text)
    client.headers[CSRF_HEADER] = token
    return token
