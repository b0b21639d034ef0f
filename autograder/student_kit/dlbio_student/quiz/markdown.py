"""Quiz text is Markdown; pages (the widget, jupyterquiz) need HTML."""
import mistune


def markdown_html(text):
    return mistune.html(text.strip()).strip()
