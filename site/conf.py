# Sphinx configuration of the course site. `make site` (lab site) stages this folder together with the notebooks
# of every edition and builds it; nothing is executed, and nothing is loaded from another host.
project = "Multi-Layer Perceptrons — PyTorch lab"
author = "AI lab course"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["lab.css"]
html_theme = "alabaster"
html_theme_options = {"font_family": "sans-serif", "head_font_family": "sans-serif", "code_font_family": "monospace",
                      "show_powered_by": False, "page_width": "1100px"}
html_show_sourcelink = False
html_copy_source = False
html_title = project
html_show_copyright = False
html_favicon = "_static/favicon.svg"  # a local icon, so the browser does not ask for /favicon.ico

# The notebooks are shown with the outputs stored in them.
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget outputs; keeps require.js from a CDN off the pages
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# MathJax from the site itself (copied into _static/mathjax by the builder), never from a CDN.
mathjax_path = "mathjax/tex-chtml.js"
