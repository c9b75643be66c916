"""The newsletter step of `invoke publish`, alone in its own process, for tests to kill.

    python child.py SETTINGS_FILE OVERRIDES_JSON

Reads the settings like the publish task does and runs carnet.newsletter.run with a
deployed site. Exit 1 with the message on stderr when the newsletter stops.
"""

import json
import sys

from carnet import newsletter
from carnet.build import load_settings

settings = load_settings(sys.argv[1], overrides=json.loads(sys.argv[2]))
try:
    newsletter.run(settings, deployed=True)
except newsletter.NewsletterError as error:
    print(error, file=sys.stderr)
    sys.exit(1)
