"""A share image for every post (Open Graph, 1200×630), and one for the rest of the site.

A post with its own image (`Image:` metadata, else the first image of its text, when it
is a file of the site) gets that image cropped to 1200×630; any other post gets a card
drawn by carnet/share_card.py (its title, category, author and the site's name, in the
colours of theme/static/css/carnet.css). The home page, category pages and pages get
the site's card. Templates read `article.share_image` and `site_share_image`, each with
`.url`, `.width`, `.height` and `.alt`.

Each image is kept in the build cache under a hash of everything drawn (the text, the
colours, the fonts, the source image, the drawing code and Pillow's version): a warm
build draws nothing. A post is given its image as soon as Pelican makes it
(content_object_init). What the cache lacks is drawn, when the build may use two
processes (carnet/forked.py), by the drawer (carnet/card_drawer.py): a fresh Python, not
a fork of the build (a forked child held as its own every page either process wrote while
both lived: 28 MB at 1000 posts, 70 at 5000; the drawer holds 11 to 16 MB), at a low
priority, on the CPU the build leaves free. A cold build starts it as the build starts
(its 0.07 s of start-up is over before the first image is known); it is sent the images
of the posts made so far once the child that read the last posts has ended
(forked.second_cpu_free, from plugin parallel_reading: the build then makes the last
posts' objects on one CPU), and the rest, the site's image with them, once every post is
read (article_generator_pretaxonomy): until the pages are rendered the build works on one
CPU (sorting, archives, backlinks, related posts, the pages and static files). Without a
reading child, it is sent them all once every post is read. A warm build starts it then,
when DRAW_AHEAD_FROM images or more are missing.

A card costs about 1 ms of CPU, writing it to the cache included
(carnet/share_card.py): at 1000 posts the drawer draws its 1001 images while the build
gets from its posts to its pages; if it is still drawing then, the build renders the first
pages itself until it is done, and only then forks the process that renders the other half
(carnet/writer.py): never three processes at work on two CPUs. With one process, or for
what is left (the drawer failed), they are drawn at the end by the build.

At the end (`finalized`) each image is hard-linked into output/partage/ when Pelican
emptied the output (production), else copied (a warm development build only touches the
copies already there). The file name carries the hash too, so that a network that keeps an old
preview fetches the new image after a change of title.
"""

import contextlib
import dataclasses
import functools
import hashlib
import html
import json
import logging
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from urllib.parse import unquote, urlsplit

from pelican import signals
from pelican.contents import Article
from PIL import Image

from carnet import card_drawer, forked, links, share_card
from carnet.card_drawer import Job, cached_name, cached_path
from carnet.i18n import N_, _, reworded
from carnet.listing import is_email_only
from carnet.pelican_private import html_before_links
from carnet.posts import image_in_content
from carnet.sources import source_name

logger = logging.getLogger(__name__)

# Where the images go in the output.
FOLDER = "partage"
CACHE_FOLDER = "share-cards"
# A cached image no build used for this long is removed.
FORGET_AFTER_DAYS = 30
# Fewer images than this are drawn by the build itself: not worth a second process.
DRAW_AHEAD_FROM = 8
# The drawer's priority (nice): a tenth of a CPU when it competes with the build's.
DRAWER_NICENESS = 10
FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
# The light colours of the theme's stylesheet (the first definition of each).
CSS_COLOUR = re.compile(r"--(bg|text|muted|accent|on-accent|line):\s*(#[0-9a-fA-F]{3,6})\b")
DEFAULT_COLOURS = {
    "bg": "#fbf5ec",
    "text": "#2e2419",
    "muted": "#6b5444",
    "accent": "#9a3b17",
    "on_accent": "#ffffff",
    "line": "#e2d3be",
}
FIRST_IMAGE = re.compile(r"<img\b[^>]*>", re.I)
ATTRIBUTE = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


@dataclasses.dataclass
class ShareImage:
    url: str
    alt: str
    width: int = share_card.WIDTH
    height: int = share_card.HEIGHT
    type: str = "image/jpeg"


_build = None
# What the last build did (for `invoke bench`): images drawn and copied, and the seconds
# the build process spent on them (preparing, drawing and copying), and the CPU spent
# drawing in every process that reported it.
last_build = {}


def _code_version():
    with open(share_card.__file__, "rb") as code:
        digest = hashlib.sha256(code.read()).hexdigest()
    fonts = []
    for kind, path in sorted(share_card.FONTS.items()):
        try:
            fonts.append([kind, path, os.path.getsize(path), os.path.getmtime(path)])
        except OSError:
            fonts.append([kind, path, None, None])
    return [digest, metadata.version("pillow"), fonts]


def cache_folder(settings):
    """CACHE_PATH/share-cards, shared by every configuration: plugin content_cache puts
    each configuration's cache in CACHE_PATH/<fingerprint>/, and the cards of the
    development and production builds are the same."""
    root = settings.get("CACHE_PATH") or "cache"
    if FINGERPRINT.match(os.path.basename(root.rstrip(os.sep))):
        root = os.path.dirname(root.rstrip(os.sep))
    return os.path.join(root, CACHE_FOLDER)


def theme_colours(settings):
    colours = dict(DEFAULT_COLOURS)
    path = os.path.join(settings.get("THEME", ""), "static", "css", "carnet.css")
    try:
        with open(path, encoding="utf-8") as css:
            text = css.read()
    except OSError:
        return colours
    found = {}
    for name, value in CSS_COLOUR.findall(text):
        found.setdefault(name.replace("-", "_"), value)
    for name, value in found.items():
        if len(value) == 4:  # #abc
            value = "#" + "".join(c * 2 for c in value[1:])
        colours[name] = value.lower()
    return colours


def _plain(text):
    """Metadata as the card shows it: plain text, as the pages show it (their templates
    escape it): « 2 < 3 » and « &amp; » are drawn as written."""
    return str(text or "").strip()


def _local_image(article, settings):
    """(path of the post's own image, its alt text), or (None, None)."""
    content_path = os.path.abspath(settings["PATH"])
    # `Image: {static}/images/x.jpg`, as a link to it is written, names content/images/x.jpg
    # (as content_checks and the e-mail read it): it got a drawn card instead of the photo.
    image = image_in_content(getattr(article, "image", ""))
    if image and not re.match(r"^[a-z]+:", image, re.I):
        path = os.path.join(content_path, image)
        if _readable(path, settings):
            return path, ""
    match = FIRST_IMAGE.search(html_before_links(article))
    if not match:
        return None, None
    attributes = {
        name.lower(): html.unescape(a if a is not None else b)
        for name, a, b in ATTRIBUTE.findall(match.group(0))
    }
    src = attributes.get("src", "")
    for marker in ("{static}", "{filename}", "|static|", "|filename|"):
        if src.startswith(marker):
            # « %20 »: a space of the file's name, as Pelican reads it.
            relative = src[len(marker) :].split("?")[0].split("#")[0].replace("%20", " ")
            if relative.startswith("/"):
                path = os.path.join(content_path, relative.lstrip("/"))
            else:
                path = os.path.join(os.path.dirname(article.source_path), relative)
            if _readable(path, settings):
                return os.path.abspath(path), attributes.get("alt", "")
    if src and (links.is_relative_path(src) or src.startswith("/")) and not src.startswith("//"):
        # A path, as a Markdown editor's preview writes it (« ../images/x.jpg »): the file
        # the post's page shows, as a browser reads the path from the page's address. Pelican
        # copies the content folder's images to the same place in the site (STATIC_SAVE_AS).
        address = urlsplit(links.as_read_from(links.page_address(article), src)).path
        root = urlsplit(settings.get("SITEURL") or "").path.rstrip("/") + "/"
        if address.startswith(root):
            path = os.path.join(content_path, unquote(address[len(root) :]))
            if _readable(path, settings):
                return path, attributes.get("alt", "")
    return None, None


def _readable(path, settings):
    """Whether Pillow can read the image at `path` (not an SVG, not a missing file; a post
    whose image is neither gets a drawn card). Only the header is read."""
    try:
        with share_card.opened(path):
            return True
    except Image.DecompressionBombError:
        # Pillow's English line named the post, not the image (a 200-megapixel photo).
        millions = Image.MAX_IMAGE_PIXELS * 2 // 1_000_000
        logger.error(
            "%s",
            _(
                "{image}: more than {millions} million pixels, more than Carnet reads for a "
                "share image: save a smaller copy (4000 pixels wide is plenty for a page)"
            ).format(image=source_name(settings, path), millions=millions),
        )
        return False
    except (OSError, ValueError):
        return False


def _key(versioned, what, source=None):
    """The hash of an image: `versioned` (a hash of the drawing code's version, see
    ShareCards) then what is drawn, and the source image's bytes."""
    digest = versioned.copy()
    digest.update(json.dumps(what, sort_keys=True).encode("utf-8"))
    if source:
        with open(source, "rb") as image:
            digest.update(image.read())
    return digest.hexdigest()


class ShareCards:
    """What one build draws and copies. Posts are given their image as Pelican reads them
    (content_object_init); what the cache lacks is drawn once every post is read."""

    def __init__(self, settings):
        self.settings = settings
        self.cache = cache_folder(settings)
        self.version = _code_version()
        # Hashed once: every image's key starts with it.
        self.versioned = hashlib.sha256(json.dumps(self.version).encode("utf-8") + b"\n")
        self.colours = theme_colours(settings)
        self.site = _plain(settings.get("SITENAME"))
        self.plain = functools.lru_cache(maxsize=256)(_plain)  # authors, categories
        # What the cache holds as the build starts, listed once (not a file test per
        # post); an image another build draws meanwhile is only drawn twice, the same.
        try:
            self.cached = set(os.listdir(self.cache))
        except OSError:
            self.cached = set()
        self.jobs = {}  # save_as -> Job, every image of this build
        self.missing = []  # not in the cache: to draw
        self.drawer = None  # a _Drawer drawing ahead, or None
        self.keys = set()  # of the images to draw
        # The build process's time on share images (keys, copies, what it draws), and the
        # CPU spent drawing, in this process and the drawer.
        self.cpu_seconds = 0.0
        self.seconds = 0.0
        self.drawing_cpu_seconds = 0.0

    # --- What each post shows -------------------------------------------------------

    def _add(self, job):
        self.jobs[job.save_as] = job
        if job.key not in self.keys and cached_name(job) not in self.cached:
            self.keys.add(job.key)
            self.missing.append(job)

    def for_article(self, article):
        began, began_cpu = time.perf_counter(), time.process_time()
        title = _plain(article.title)
        source, alt = _local_image(article, self.settings)
        if source:
            key = _key(self.versioned, ["image", os.path.basename(source)], source)
            job = Job(
                key,
                f"{FOLDER}/{article.slug}-{key[:10]}.jpg",
                source=source,
                shown=source_name(self.settings, source),
            )
            alt = alt or title
        else:
            author = self.plain(str(article.author)) if getattr(article, "author", None) else ""
            spec = {
                "title": title,
                "category": self.plain(str(getattr(article, "category", "") or "")),
                "author": author,
                "site": self.site,
                "colours": self.colours,
            }
            key = _key(self.versioned, spec)
            job = Job(key, f"{FOLDER}/{article.slug}-{key[:10]}.jpg", spec=spec)
            alt = (
                f"«\u00a0{title}\u00a0»" + (f", par {author}" if author else "") + f" — {self.site}"
            )
        self._add(job)
        self.count_time(began, began_cpu)
        return ShareImage(url=job.save_as, alt=alt)

    def for_site(self):
        site = self.site
        subtitle = _plain(self.settings.get("SITESUBTITLE"))
        spec = {
            "title": subtitle or site,
            "category": "",
            "author": _plain(self.settings.get("AUTHOR")),
            "site": site,
            "colours": self.colours,
        }
        key = _key(self.versioned, spec)
        job = Job(key, f"{FOLDER}/site-{key[:10]}.jpg", spec=spec)
        self._add(job)
        return ShareImage(url=job.save_as, alt=f"{site} — {subtitle}" if subtitle else site)

    # --- Drawing ----------------------------------------------------------------------

    def _cached(self, job):
        return cached_path(self.cache, job)

    def take_missing(self):
        """The images not drawn yet, for the caller to draw."""
        missing, self.missing = self.missing, []
        return missing

    def count_time(self, began, began_cpu):
        self.seconds += time.perf_counter() - began
        self.cpu_seconds += time.process_time() - began_cpu

    def keep_only(self, wanted):
        """Put in the output only the images of `wanted` (save_as) at the end."""
        self.jobs = {save_as: job for save_as, job in self.jobs.items() if save_as in wanted}

    def start_drawer_if_cold(self):
        """A cold build (no image in the cache) starts the drawer as it starts: its start
        (a fresh Python importing Pillow, some 0.1 s) is over by the time the first images
        are known, instead of delaying them."""
        if not self.cached:
            self.drawer = _start_drawer([], self.cache)

    def draw_ahead(self, every_post_read=True):
        """Have the drawer (carnet/card_drawer.py) draw the images the cache lacks, while
        the build goes on.

        Before every post is read (`every_post_read` false: the child that read the last
        posts has ended), it is sent the images of the posts made so far, and the rest once
        every post is read (this method again). Unless the build is cold, it is started with
        the first of them, when there are DRAW_AHEAD_FROM or more."""
        if self.drawer is None and len(self.missing) < DRAW_AHEAD_FROM:
            return
        if every_post_read:
            self.for_site()  # known now too: not drawn by the build at its very end
        jobs = self.take_missing()
        if self.drawer is None:
            self.drawer = _start_drawer(jobs, self.cache)
            if self.drawer is None:
                self.missing += jobs  # drawn by the build at the end
                return
        else:
            self.drawer.send(jobs)
        if every_post_read:
            self.drawer.close()
        logger.debug("share images: %d to draw in a second process", len(jobs))

    def _take_drawn_ahead(self):
        if self.drawer is None:
            return
        drawer, self.drawer = self.drawer, None
        try:
            report = drawer.report()
        except forked.ChildFailed as reason:
            logger.debug("share images: the second process did not draw them: %s", reason)
            # Drawn here, next: those the drawer did not put in the cache before it failed.
            self.missing += [job for job in drawer.sent if not os.path.exists(self._cached(job))]
            return
        for batch in report.batches:
            logger.debug("%d share images drawn in process %d", batch, report.pid)
        _say_unreadable(report.unreadable)
        self.drawing_cpu_seconds += report.cpu_seconds

    def finish(self, output_path, emptied):
        """Draw what no one drew yet, put each image in the output (`emptied`: Pelican
        emptied it at the start of the build)."""
        began, began_cpu = time.perf_counter(), time.process_time()
        self._take_drawn_ahead()
        self.drawing_cpu_seconds += _draw_all(self.take_missing(), self.cache)
        os.makedirs(os.path.join(output_path, FOLDER), exist_ok=True)
        for job in self.jobs.values():
            if job.source and not os.path.exists(self._cached(job)):
                continue  # its image could not be read: the build stops, saying so
            _place(self._cached(job), os.path.join(output_path, job.save_as), emptied)
        self._forget_unused()
        self.count_time(began, began_cpu)
        last_build.clear()
        last_build.update(
            drawn=len(self.keys),
            images=len(self.jobs),
            seconds=self.seconds,
            cpu_seconds=self.cpu_seconds,
            drawing_cpu_seconds=self.drawing_cpu_seconds,
        )
        logger.info(
            "%s",
            _(
                "Share images: {drawn} drawn, {cached} from the cache; the build process "
                "spent {seconds:.2f} s ({cpu:.2f} s of CPU) on them"
            ).format(
                drawn=len(self.keys),
                cached=len(self.jobs) - len(self.keys),
                seconds=self.seconds,
                cpu=self.cpu_seconds,
            ),
        )

    def _forget_unused(self):
        """Remove the cached images this build did not use, drawn over FORGET_AFTER_DAYS
        ago (a cached image is never modified: its mtime is when it was drawn).

        An image a production build hard-linked into an output folder is left until that
        link is gone: removing one name of a file changes the ctime of its other names,
        and plugin page_reuse, removing at the end what a development build did not write,
        would take the old image in output/partage/ for one this build wrote, and keep it."""
        used = {self._cached(job) for job in self.jobs.values()}
        limit = time.time() - FORGET_AFTER_DAYS * 86400
        for directory, _folders, files in os.walk(self.cache):
            for name in files:
                path = os.path.join(directory, name)
                found = os.stat(path)
                if path not in used and found.st_mtime < limit and found.st_nlink == 1:
                    os.remove(path)


def _place(cached, target, emptied):
    """Put the cached image at `target`.

    `emptied`: Pelican emptied the output at the start of this build (production), so a
    hard link is safe and saves copying every image on every build. Otherwise plugin
    page_reuse keeps the output and removes, at the end, the files whose ctime is older
    than the build: a hard link would share its ctime with every other link to the cached
    image (a stale image would look new), so the image is copied, or only touched when
    the copy there is already the cached image (same size and modification time)."""
    if emptied:
        try:
            try:
                os.link(cached, target)
            except FileExistsError:  # put there by a plugin or a template since the emptying
                os.remove(target)
                os.link(cached, target)
        except OSError:  # another file system, or no hard links there
            shutil.copy2(cached, target)
        return
    source = os.stat(cached)
    try:
        found = os.stat(target)
    except OSError:
        found = None
    if (
        found is None
        or found.st_ino == source.st_ino
        or ((found.st_size, found.st_mtime_ns) != (source.st_size, source.st_mtime_ns))
    ):
        if found is not None:
            os.remove(target)  # a link left by a production build, or another image
        shutil.copy2(cached, target)
    os.utime(target, ns=(time.time_ns(), source.st_mtime_ns))  # ctime: made by this build


def _start_drawer(jobs, cache):
    """A _Drawer started with `jobs`, or None when no Python can be started (the build's
    own may not be executable by the user it runs as: a service's user, say); the build
    then draws the images itself at the end."""
    try:
        drawer = _Drawer(jobs, cache)
    except OSError as reason:
        logger.debug("share images: no second process to draw them (%s)", reason)
        return None
    logger.debug("share images: a second process started to draw them")
    return drawer


def _drawer_process(fds, cache, errors):
    # -S: no site module (its .pth files took a tenth of a second); the build's own
    # sys.path is given instead, so that the drawer imports this very Carnet and Pillow.
    carnet_parent = os.path.dirname(os.path.dirname(os.path.abspath(card_drawer.__file__)))
    paths = [carnet_parent] + [os.path.abspath(path or ".") for path in sys.path]
    return subprocess.Popen(
        [sys.executable, "-S", "-m", card_drawer.__name__, str(os.getpid())]
        + [str(fd) for fd in fds]
        + [cache],
        pass_fds=fds,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=errors,
    )


class _Drawer:
    """The drawer (carnet/card_drawer.py), from the build's side: started with its first
    jobs; `send` more, `close` when there are no more, `report()` waits for it. Watched by
    carnet/forked.py as the build's forked children are (done, stop)."""

    def __init__(self, jobs, cache):
        # The build keeps its reading end open until the drawer has ended: writing to a pipe
        # no one can read fails, and the drawer may have failed before it reads.
        self._reading_end, self._writing_end = os.pipe()
        # Files without a name (deleted as soon as made, kept open by both processes): a
        # build killed with kill -9 leaves nothing behind (its drawer dies with it).
        self._file = tempfile.TemporaryFile(prefix="carnet-cards-", suffix=".pickle")
        # What the drawer says if it fails (a file: a full pipe would stop it).
        self._errors = tempfile.TemporaryFile(prefix="carnet-cards-", suffix=".log")
        self._written = 0  # the file's length: each batch at its own place (pwrite, pread)
        self.sent = []
        self.send(jobs)
        fds = (self._reading_end, self._file.fileno())
        try:
            self._process = _drawer_process(fds, cache, self._errors)
        except OSError:
            self._clean_up()
            raise
        # Behind the build's own processes when all want a CPU (while the posts are read,
        # the drawer starts): its work fills a CPU the build leaves free.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self._process.pid, DRAWER_NICENESS)
        forked.watch(self)

    def send(self, jobs):
        if not jobs or self._writing_end is None:
            return
        batch = pickle.dumps(jobs, card_drawer.PROTOCOL)
        os.pwrite(self._file.fileno(), batch, self._written)
        try:
            os.write(self._writing_end, f"{self._written} {len(batch)}\n".encode())
        except BrokenPipeError:  # the drawer has ended: report() says why
            self.close()
            return
        self._written += len(batch)
        self.sent += jobs

    def close(self):
        """Nothing more to send: the drawer ends once it has drawn what it was sent."""
        if self._writing_end is not None:
            os.close(self._writing_end)
            self._writing_end = None

    def done(self):
        return self._process.poll() is not None

    def report(self):
        """The drawer's card_drawer.Report, once it has ended; forked.ChildFailed, saying
        why, if it ended without one."""
        self.close()
        try:
            output = self._process.communicate()[0]
            self._errors.seek(0)
            said = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        finally:
            self._clean_up()
        if self._process.returncode != 0:
            raise forked.ChildFailed(f"exit status {self._process.returncode}: {said[-1:]}")
        try:
            return pickle.loads(output)
        except (pickle.UnpicklingError, EOFError, AttributeError) as error:
            raise forked.ChildFailed(f"its report could not be read: {error}") from error

    def stop(self):
        """End the drawer without its report (the build stopped before it needed it)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.communicate()
        self._clean_up()

    def _clean_up(self):
        self.close()
        if self._reading_end is not None:
            os.close(self._reading_end)
            self._reading_end = None
        self._file.close()
        self._errors.close()
        forked.forget(self)


def _draw_all(jobs, cache):
    """Draw (or crop) each job's image into the cache, in the build process; the CPU
    seconds it took."""
    if not jobs:
        return 0.0
    began = time.process_time()
    _say_unreadable(card_drawer.draw_into_cache(jobs, cache))
    logger.debug("%d share images drawn in process %d", len(jobs), os.getpid())
    share_card.forget()
    return time.process_time() - began


def _say_unreadable(unreadable):
    for job, problem in unreadable:
        logger.error("%s", _cannot_crop(job, problem))


# Pillow's commonest words for a picture it cannot read (English), in Carnet's.
PILLOW_PROBLEMS = (
    ("image file is truncated", N_("the file ends too soon")),
    ("broken data stream when reading image file", N_("its data is broken")),
)


def _cannot_crop(job, problem):
    """An image whose header reads (it is not given a drawn card), but not its picture
    (Pillow's words `problem`): the build stopped with Pillow's words alone, naming nothing."""
    problem = reworded(problem, PILLOW_PROBLEMS)
    return _(
        "{image}: the image cannot be read ({error}): it may be cut short or damaged; "
        "copy it again from the original"
    ).format(image=job.shown or job.source, error=problem)


def _check_fonts():
    missing = [path for path in share_card.FONTS.values() if not os.path.isfile(path)]
    if missing:
        logger.error(
            "%s",
            _(
                "{path}: the font for share images is missing (Debian package "
                "fonts-dejavu-core: run scripts/setup.sh)"
            ).format(path=missing[0]),
        )
        return False
    return True


def start(pelican_object):
    global _build
    _build = ShareCards(pelican_object.settings) if _check_fonts() else None


def start_drawer_if_cold(generator):
    """article_generator_init, before the posts are read (after `initialized`, where plugin
    carnet_wiring stops what a build stopped half-way left at work)."""
    if _build is not None and forked.processes(generator.settings) >= 2:
        _build.start_drawer_if_cold()


def draw_while_the_last_posts_are_made(settings):
    """forked.second_cpu_free: the child that read the last posts has ended, the build
    makes their objects alone (the first posts' images are known)."""
    if _build is not None and forked.processes(settings) >= 2:
        _build.draw_ahead(every_post_read=False)


def draw_ahead(generator):
    """article_generator_pretaxonomy: every post is read, the build may use two processes."""
    if _build is not None and forked.processes(generator.settings) >= 2:
        _build.draw_ahead()


def give_post_its_image(content):
    if (
        _build is not None
        and isinstance(content, Article)
        and content.status != "draft"
        and not is_email_only(content)
        # A post without a title is Pelican's to report, right after this signal.
        and getattr(content, "title", None)
        and getattr(content, "slug", None)
    ):
        content.share_image = _build.for_article(content)


# The posts whose pages are written (a post dated in the future becomes a draft after
# content_object_init: its image must not be put online, its title would be).
WRITTEN = ("articles", "translations", "hidden_articles", "hidden_translations")


def give_site_its_image(generators):
    if _build is None:
        return
    site_image = _build.for_site()
    wanted = {site_image.url}
    for generator in generators:
        generator.context["site_share_image"] = site_image
        for name in WRITTEN:
            for content in getattr(generator, name, ()):
                if getattr(content, "share_image", None) is not None:
                    wanted.add(content.share_image.url)
    _build.keep_only(wanted)


def finish(pelican_object):
    global _build
    if _build is None:
        return
    try:
        # Plugin page_reuse turns delete_outputdir off when it keeps the output.
        _build.finish(pelican_object.output_path, bool(pelican_object.delete_outputdir))
    finally:
        _build = None


def register():
    signals.initialized.connect(start)
    signals.article_generator_init.connect(start_drawer_if_cold)
    signals.content_object_init.connect(give_post_its_image)
    forked.second_cpu_free.connect(draw_while_the_last_posts_are_made)
    signals.article_generator_pretaxonomy.connect(draw_ahead)
    signals.all_generators_finalized.connect(give_site_its_image)
    # In a development build, page_reuse's own `finalized` may run before or after this
    # one (blinker sets no order): an image it removed as untouched is copied back here.
    signals.finalized.connect(finish)
