"""The offline check of tests/e2e/test_offline.py at phone width (390 px): no request leaves the machine
on any page, in both languages. Its own file so that pytest-xdist runs it beside the desktop one."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import require_chromium
from tests.e2e.test_offline import visit_every_page

pytestmark = pytest.mark.e2e
require_chromium()


def test_no_request_leaves_the_machine_on_any_page_at_phone_width(browser, dashboard_url):
    visit_every_page(browser, dashboard_url, {"width": 390, "height": 844})
