"""The web shell through TestClient: login, logout, home, language switch, placeholders, local assets."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import weblogin
from markupsafe import escape

from fangkong.core import i18n
from fangkong.web.routes import safe_next
from fangkong.web.templating import MODULES

# catalog texts as they appear in HTML (escaped like Jinja does: "city's" is "city&#39;s")
ZH = {key: str(escape(text)) for key, text in i18n.catalog("zh").items()}
EN = {key: str(escape(text)) for key, text in i18n.catalog("en").items()}
STATIC = Path(__file__).resolve().parents[2] / "src" / "fangkong" / "web" / "static"


def test_login_page_is_chinese_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    for key in ("login.title", "login.username", "login.password"):
        assert ZH[key] in response.text
    assert EN["login.username"] not in response.text
    assert 'method="post" action="/login"' in response.text


LOGIN_ONLY = ["/", "/places", "/places/venues", "/people/residents"]


@pytest.mark.parametrize("path", LOGIN_ONLY)
def test_pages_redirect_to_login_when_logged_out(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


def test_wrong_password_and_unknown_user_get_the_same_generic_refusal(client, admin, log_in):
    wrong = log_in(password="not-the-password")
    unknown = log_in(username="nobody-here")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert ZH["login.failed"] in response.text
        assert "fangkong_session" not in response.cookies
    assert client.get("/", follow_redirects=False).status_code == 303


def test_empty_form_is_refused_without_error_page(client, admin):
    response = client.post("/login", data={"csrf_token": weblogin.login_token(client)}, follow_redirects=False)
    assert response.status_code == 401
    assert ZH["login.failed"] in response.text


def test_login_leads_home_with_navigation_and_logout_ends_the_session(client, admin, log_in):
    response = log_in()
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert ZH["home.welcome"].format(name=admin.display_name) in home.text
    for module in MODULES:
        assert f'href="{module.path}"' in home.text
        assert ZH[f"nav.{module.key}"] in home.text
    assert 'action="/logout"' in home.text
    assert client.get("/login", follow_redirects=False).headers["location"] == "/"

    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_logout_is_not_a_get(user_client):
    assert user_client.get("/logout", follow_redirects=False).status_code == 405
    assert user_client.get("/").status_code == 200


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/places", "/places"),
        ("/people/residents?page=2", "/people/residents?page=2"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_login_redirects_only_to_local_paths(client, admin, log_in, target, expected):
    response = log_in(next=target)
    assert response.status_code == 303
    assert response.headers["location"] == expected
    assert safe_next(target) == expected


def test_language_switch_shows_english_and_back(user_client):
    response = user_client.get("/lang/en?next=/zones", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/zones"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{i18n.LANG_COOKIE}=en") and "samesite=lax" in cookie.lower()
    page = user_client.get("/zones")
    assert '<html lang="en">' in page.text
    assert EN["nav.zones"] in page.text and EN["modules.zones.summary"] in page.text
    assert ZH["modules.zones.summary"] not in page.text
    assert 'href="/lang/zh?next=/zones"' in page.text

    user_client.get("/lang/zh?next=/")
    home = user_client.get("/")
    assert '<html lang="zh-CN">' in home.text and ZH["nav.zones"] in home.text


def test_language_switch_refuses_unknown_languages_and_foreign_targets(user_client):
    response = user_client.get("/lang/fr", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 404
    assert ZH["errors.status.404"] in response.text
    assert user_client.get("/lang/en?next=//evil.example", follow_redirects=False).headers["location"] == "/"


def test_unknown_cookie_language_falls_back_to_chinese(client):
    client.cookies.set(i18n.LANG_COOKIE, "xx")
    assert '<html lang="zh-CN">' in client.get("/login").text


def test_error_page_is_html_in_the_request_language(client):
    response = client.get("/no/such/page", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert '<html lang="zh-CN">' in response.text and ZH["errors.status.404"] in response.text
    client.cookies.set(i18n.LANG_COOKIE, "en")
    response = client.get("/no/such/page", headers={"accept": "text/html"})
    assert EN["errors.status.404"] in response.text
    api = client.get("/api/v1/nothing")
    assert api.headers["content-type"].startswith("application/json")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "action", "formaction", "hx-get", "hx-post", "data-src") and value:
                self.urls.append(value)


def _off_host(url: str) -> bool:
    return not url.startswith("/") or url.startswith("//") or "\\" in url


def test_no_page_references_anything_off_the_machine(user_client, session):
    import factories

    factories.place_chain(session)
    paths = ["/", "/places", "/places/venues", "/people/residents", "/no/such/page"]
    paths += [m.path for m in MODULES if m.key in ("dashboard", "supplies", "enterprises")]
    seen = 0
    for lang in ("zh", "en"):
        user_client.get(f"/lang/{lang}")
        for path in paths:
            html = user_client.get(path, headers={"accept": "text/html"}).text
            parser = _Links()
            parser.feed(html)
            assert parser.urls, path
            seen += len(parser.urls)
            assert [u for u in parser.urls if _off_host(u)] == [], path
            assert not re.search(r"https?://", html), path
    user_client.post("/logout")
    parser = _Links()
    parser.feed(user_client.get("/login").text)
    assert parser.urls and not [u for u in parser.urls if _off_host(u)]
    assert seen > 50


def test_own_static_assets_load_nothing_remote(client):
    for path in ("css/fangkong.css", "js/fangkong.js"):
        text = (STATIC / path).read_text()
        assert not re.search(r"https?://|@import|url\(\s*['\"]?//", text), path
        assert client.get(f"/static/{path}").status_code == 200
    assert '"Noto Sans CJK SC"' in (STATIC / "css/fangkong.css").read_text()
    templates = STATIC.parent / "templates"
    sources = {path.name: path.read_text() for path in templates.rglob("*.html")}
    assert len(sources) >= 10
    assert [name for name, text in sources.items() if re.search(r"https?://|src=\"//|href=\"//", text)] == []
    for vendored in ("vendor/htmx.min.js", "vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "favicon.svg"):
        assert client.get(f"/static/{vendored}").status_code == 200, vendored


def test_login_redirect_keeps_the_query(client):
    response = client.get("/places/venues?page=2&kind=school", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/places/venues%3Fpage%3D2%26kind%3Dschool"


def test_expired_session_during_htmx_redirects_the_whole_page(client):
    response = client.post(
        "/people/residents/search",
        data={"id_number": "x"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://127.0.0.1:8000/people/residents?page=3"},
        follow_redirects=False,
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/login?next=/people/residents%3Fpage%3D3"
