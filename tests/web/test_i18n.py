"""Catalogs: same keys in both languages, every key the templates use exists, English falls back to Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fangkong.core import i18n
from fangkong.web.templating import MODULES

TEMPLATES = Path(i18n.CATALOG_DIR).parent / "templates"
# literal keys only; built keys ("nav." ~ module.key) are listed in the test
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([\w.]+)["']\s*[,)]""")


def test_both_catalogs_have_the_same_keys():
    zh, en = set(i18n.catalog("zh")), set(i18n.catalog("en"))
    assert sorted(zh - en) == [] and sorted(en - zh) == []


def test_no_catalog_entry_is_empty_and_placeholders_match():
    zh, en = i18n.catalog("zh"), i18n.catalog("en")
    for key in zh:
        assert zh[key].strip() and en[key].strip(), key
        assert set(re.findall(r"\{(\w+)\}", zh[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key


def test_every_key_used_in_templates_and_navigation_exists():
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        used |= set(LITERAL_KEY.findall(template.read_text()))
    assert len(used) > 40
    for module in MODULES:
        used |= {f"nav.{module.key}", f"modules.{module.key}.summary"}
    missing = sorted(key for key in used if not i18n.has_key("zh", key))
    assert missing == []


def test_language_names_and_defaults():
    assert i18n.normalize_language("EN") == "en"
    assert i18n.normalize_language("fr") == "zh"
    assert i18n.normalize_language(None) == "zh"
    with pytest.raises(ValueError):
        i18n.catalog("fr")


def test_translate_interpolates_and_falls_back(monkeypatch):
    assert i18n.translate("zh", "home.welcome", name="李") == "欢迎，李"
    assert i18n.translate("en", "home.welcome", name="Li") == "Welcome, Li"
    fake = {"zh": {"only.zh": "仅中文", "both": "两者"}, "en": {"both": "both"}}
    monkeypatch.setattr(i18n, "catalog", lambda language: fake[language])
    assert i18n.translate("en", "only.zh") == "仅中文"
    assert i18n.translate("en", "both") == "both"
    assert i18n.translate("en", "nowhere", default="fallback") == "fallback"
    assert i18n.translate("zh", "nowhere") == "nowhere"
