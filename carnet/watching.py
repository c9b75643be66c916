"""What `invoke livereload` watches: folders, with all they hold, and single files.

A file cannot be watched by itself: the system watches the file the name leads to when
the watch starts, and many editors save by writing a new file and renaming it over the
old one (an atomic save). The watch then follows the old, deleted file, and every later
save of pelicanconf.py went unseen: the site was rebuilt at the first change of a setting,
never again. So the folder holding each file is watched, without its subfolders (the
project folder holds output/, which every build writes, and .venv/), for that file's name.

Each watch runs in a thread of its own; they start when the Watcher is made, so that what
is saved during the first build is seen too.
"""

import os
import queue
import threading

import watchfiles


class Watcher:
    def __init__(self, folders, files):
        self._found = queue.Queue()
        self._stop = threading.Event()
        names = {os.path.abspath(file) for file in files}

        def one_of_the_files(_change, path):
            return path in names

        watches = [(folders, {})]
        if names:
            folders_of_files = sorted({os.path.dirname(name) for name in names})
            watches.append(
                (folders_of_files, {"recursive": False, "watch_filter": one_of_the_files})
            )
        self._threads = [
            threading.Thread(target=self._watch, args=watch, daemon=True) for watch in watches
        ]
        for thread in self._threads:
            thread.start()

    def _watch(self, paths, options):
        try:
            for changes in watchfiles.watch(*paths, stop_event=self._stop, **options):
                self._found.put(changes)
        except Exception as error:  # raised by changes(), in the thread that watches
            self._found.put(error)

    def changes(self):
        """Yield the set of (change, path) seen since the last one, as they come; those
        that came while the caller was busy (a build) come together, at once."""
        while not self._stop.is_set():
            try:
                found = [self._found.get(timeout=0.5)]
            except queue.Empty:
                continue
            while not self._found.empty():
                found.append(self._found.get_nowait())
            for error in found:
                if isinstance(error, Exception):
                    raise error
            yield set().union(*found)

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join()
