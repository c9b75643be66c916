"""`invoke serve`: the output folder on 127.0.0.1, with the site's own 404 page.

Pelican's handler finds `/a-propos` as `a-propos/index.html` like a web host does, but
answers a missing page with no reply at all, and a folder with no index.html (`/etiquette/`,
what a reader gets by cutting `/etiquette/ecoute/` short) with Python's English list of its
files. Here both get the theme's « page introuvable » (output/404.html) with the status
404, as on the deployed site.
A rebuild while the server runs removes the search index (a development build leaves
none): the first request for it indexes the site again.

A Range header asking for one part of a file gets that part (206): Safari plays a video
only that way.

Each connection is answered in a thread of its own, as Python's `python -m http.server`
does: a browser opens connections before it needs them (Chrome's preconnect) and may send
nothing on one for minutes; a server answering one connection at a time waited on that
one, and every page the coach asked for meanwhile stayed blank.
"""

import logging
import os
import re
import socketserver
import threading
from http import HTTPStatus

from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

NOT_FOUND_PAGE = "404.html"
# A development build's 404 page links relatively (./theme/...), right from the site's root
# only: served at /a/missing/page/, it reads them from there.
ROOT_BASE = b'<head>\n<base href="/">'

# Pelican's handler says, in English, each path it tried for a missing page (four lines a
# request); the reader gets the site's 404 page, and the terminal stays quiet.
logging.getLogger("pelican.server").setLevel(logging.ERROR)

SEARCH_INDEX = "/pagefind/"
# One range of bytes (bytes=0-1, bytes=100-, bytes=-500): what Safari asks a video in.
# Several ranges at once, which no browser needs for a video, get the whole file.
ONE_BYTE_RANGE = re.compile(r"bytes=(?P<first>\d*)-(?P<last>\d*)")


class SiteRequestHandler(ComplexHTTPRequestHandler):
    def do_GET(self):
        self._answer(head=False)

    def do_HEAD(self):
        self._answer(head=True)

    def _answer(self, head):
        index_when_stale = getattr(self.server, "index_when_stale", None)
        if index_when_stale and self.path.startswith(SEARCH_INDEX):
            index_when_stale()
        asked = self.path.split("?", 1)[0]
        found = self.get_path_that_exists(asked)
        # A folder is found only when it has no index.html (tried first): no page there.
        # A file asked for as a folder (/index.html/) is not found either, as on a web
        # host: served, the page read its stylesheet from under itself.
        if (
            not found
            or os.path.isdir(self.translate_path(found))
            or (asked.endswith("/") and found == asked.rstrip("/"))
        ):
            self._not_found(head)
            return
        self.path = found
        part = None if head else self._part_asked(self.translate_path(found))
        if part is not None:
            self._send_part(self.translate_path(found), *part)
            return
        if head:
            super(ComplexHTTPRequestHandler, self).do_HEAD()
        else:
            super(ComplexHTTPRequestHandler, self).do_GET()

    def _part_asked(self, path):
        """(first byte, last byte, size) of the one range of `path` a Range header asks
        for; None for the whole file (no Range, or one this server does not read)."""
        asked = ONE_BYTE_RANGE.fullmatch(self.headers.get("Range", "").strip())
        if not asked or asked["first"] == asked["last"] == "":
            return None
        if asked["first"] and asked["last"] and int(asked["first"]) > int(asked["last"]):
            return None  # not a range (RFC 9110): the whole file
        size = os.path.getsize(path)
        if asked["first"] == "":  # the last N bytes
            return max(0, size - int(asked["last"])), size - 1, size
        last = min(int(asked["last"]), size - 1) if asked["last"] else size - 1
        return int(asked["first"]), last, size

    def _send_part(self, path, first, last, size):
        if first > last:  # nothing of the file: Range Not Satisfiable
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Length", str(last - first + 1))
        self.end_headers()
        with open(path, "rb") as file:
            file.seek(first)
            left = last - first + 1
            while left > 0:  # a video may be large: sent a piece at a time
                piece = file.read(min(left, 1 << 20))
                if not piece:
                    break
                self.wfile.write(piece)
                left -= len(piece)

    def _not_found(self, head):
        page = os.path.join(self.base_path, NOT_FOUND_PAGE)
        try:
            with open(page, "rb") as file:
                body = file.read().replace(b"<head>", ROOT_BASE, 1)
        except OSError:
            body = b"<!doctype html><title>404</title><h1>404</h1>"
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class SiteServer(socketserver.ThreadingMixIn, RootedHTTPServer):
    """RootedHTTPServer answering each connection in a thread (see the module's docstring);
    Ctrl-C does not wait for a connection a browser left open."""

    daemon_threads = True


def site_server(folder, port, host="127.0.0.1", index_when_stale=None):
    """An HTTP server of `folder` on host:port (serve_forever() runs it). index_when_stale:
    a function that indexes the folder for search when its index is missing or stale,
    called before each request for the index, by one request at a time: the search page
    asks for several files of the index at once, and two Pagefinds writing one folder
    would spoil it."""
    site = SiteServer(folder, (host, port), SiteRequestHandler)
    site.index_when_stale = index_when_stale and _one_at_a_time(index_when_stale)
    return site


def _one_at_a_time(function):
    lock = threading.Lock()

    def locked():
        with lock:
            function()

    return locked
