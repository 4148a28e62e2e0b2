"""A threaded static file server on 127.0.0.1 that answers If-Modified-Since with 304."""
import functools
import http.server
import sys

port, folder = int(sys.argv[1]), sys.argv[2]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


handler = functools.partial(Quiet, directory=folder)
http.server.ThreadingHTTPServer(("127.0.0.1", port), handler).serve_forever()
