"""The tests of this folder read Carnet's messages as written in the code, in English; that a
French site hears them in French is tests/foundation/test_i18n.py's subject."""

import pytest


@pytest.fixture
def site(site):
    site.speak("en")
    return site
