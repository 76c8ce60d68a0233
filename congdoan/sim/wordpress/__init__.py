"""WordPress mode of the simulator: WordPress 6.1 with Twenty Twenty-One, written from the
captures in ``tests/fixtures/wordpress/`` (markup, REST JSON, headers, sitemaps, feeds,
pagination and both permalink styles). It never imports ``congdoan.parsers``."""

from congdoan.sim.wordpress.model import WordPressSpec, describe, wordpress_portals
from congdoan.sim.wordpress.portal import WordPressPortal

__all__ = ["WordPressPortal", "WordPressSpec", "describe", "wordpress_portals"]
