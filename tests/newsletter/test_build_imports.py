"""A build does not load the newsletter's sending code (nor the e-mail's libraries)."""

import json
import subprocess
import sys

from conftest import post_text

CODE = """
import json, sys
from carnet.build import build
build(sys.argv[1], output_path=sys.argv[2])
print(json.dumps(sorted(name for name in sys.modules if name.startswith(("carnet", "lxml")))))
"""

SENDING = {
    "carnet.newsletter.pipeline",
    "carnet.newsletter.lock",
    "carnet.newsletter.providers",
    "carnet.newsletter.select",
    "carnet.newsletter.render",
}


def test_a_production_build_loads_no_sending_code(site):
    site.add_post("a.md", text=post_text(title="Un article", category="Journal intime"))
    done = subprocess.run(
        [sys.executable, "-c", CODE, site.settings_file(), str(site.output)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    # The build ran the plugins that use the newsletter's files...
    assert {"carnet.newsletter.manifest", "carnet.posts"} <= loaded
    assert (site.root / ".carnet" / "newsletter-manifest.json").exists()
    # ...and loaded none of the modules that send.
    assert not loaded & SENDING, sorted(loaded & SENDING)
    assert not {name for name in loaded if name.startswith("carnet.newsletter.providers")}


def test_a_development_build_loads_no_xml_library(site):
    """No feeds in development: feedgen and its lxml (5 MB) stay out of the build."""
    site.add_post("a.md", text=post_text(title="Un article", category="Journal intime"))
    done = subprocess.run(
        [sys.executable, "-c", CODE, site.settings_file(production=False), str(site.output)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "carnet.feeds" in loaded and "lxml" not in loaded
