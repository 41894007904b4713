"""The web shell: base layout, templates, static assets and translations shared by every domain's pages."""
