# Sphinx configuration of the course site. `make site` (lab site) stages this folder twice, once per language
# (English at the site's root, Korean under ko/), each with that language's notebooks, and builds each with
# `-D language=<lang>`; nothing is executed, and nothing is loaded from another host.
# The site's title in each language (every page's <title> ends with it); the Korean build sets it on config-inited.
TITLES = {"en": "Multi-Layer Perceptrons — PyTorch lab", "ko": "다층 퍼셉트론 — PyTorch 실습"}
project = TITLES["en"]
author = "AI lab course"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["lab.css"]
# sphinx-book-theme (on pydata-sphinx-theme): a theme made for course books, with mobile navigation, a dark mode
# and accessible code colours; its assets (FontAwesome included) are files of the package, served by the site.
html_theme = "sphinx_book_theme"
html_theme_options = {
    "article_header_end": ["lang-switch.html", "article-header-buttons.html"],
    "use_download_button": False,  # the landing page offers the .ipynb downloads
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_navbar_depth": 2,
    "navigation_with_keys": False,
    "pygments_light_style": "a11y-high-contrast-light",
    "pygments_dark_style": "a11y-high-contrast-dark",
}
# Light or dark as the reader's system prefers (the header's switch changes it); unset, the theme logs an error.
html_context = {"default_mode": "auto"}
html_sidebars = {"**": ["sidebar-title.html", "sbt-sidebar-nav.html"]}  # search: in the header
html_show_sourcelink = False
html_copy_source = False
html_title = project
html_show_copyright = False
html_last_updated_fmt = None
html_favicon = "_static/favicon.svg"  # a local icon, so the browser does not ask for /favicon.ico

# The notebooks are shown with the outputs stored in them.
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget outputs; keeps require.js from a CDN off the pages
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# MathJax from the site itself (copied into _static/mathjax by the builder), never from a CDN.
mathjax_path = "mathjax/tex-chtml.js"

# The theme's own labels in Korean (locale/ko/LC_MESSAGES/sphinx.po; Sphinx compiles it for the Korean build).
locale_dirs = ["locale"]

# The language switch (templates/lang-switch.html): this build's twin lives at TWIN_PREFIX + the same page name.
TWINS = {"en": ("ko/", "한국어", "Korean"), "ko": ("../", "English", "영어")}


def _page_context(app, pagename, templatename, context, doctree):
    prefix, label, name = TWINS.get(app.config.language, TWINS["en"])
    context.update(twin_prefix=prefix, twin_label=label, twin_name=name)


def _title(app, config):
    config.project = config.html_title = TITLES.get(config.language, TITLES["en"])


def setup(app):
    app.connect("config-inited", _title)
    app.connect("html-page-context", _page_context)
