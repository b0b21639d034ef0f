"""The hub's MathJax service: static files from one folder, on 127.0.0.1, readable from any page.

    python -m autograder.deploy.jupyterhub.static_files PORT FOLDER

JupyterHub's proxy sends it every request under /services/mathjax/, so FOLDER holds
``services/mathjax/``. Feedback pages opened from a user's files have no origin of their own
(Jupyter serves them sandboxed), so the fonts MathJax loads need ``Access-Control-Allow-Origin``.
"""
import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class AnyOriginHandler(SimpleHTTPRequestHandler):
    """Static files with a header that lets pages of any origin use them."""

    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, format, *args):  # the hub's log needs no line per font file
        pass


def main(argv=None):
    port, folder = (argv or sys.argv[1:])
    handler = functools.partial(AnyOriginHandler, directory=folder)
    ThreadingHTTPServer(("127.0.0.1", int(port)), handler).serve_forever()


if __name__ == "__main__":
    main()
