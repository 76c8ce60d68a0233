"""Portal simulator: local HTTP servers serving deterministic, seeded NukeViet portals.

Pages come from the simulator's own templates (``pages/``), written from
NUKEVIET.md and real NukeViet pages; the WordPress mode (``wordpress/``) is
written from the WordPress captures. It never imports ``congdoan.parsers``.
"""

from congdoan.sim.server import RequestRecord, SimServer, registry_entry, run_forever
from congdoan.sim.site import Portal, Request, Response
from congdoan.sim.spec import PortalSpec, default_portals
from congdoan.sim.wordpress import WordPressPortal, WordPressSpec

__all__ = [
    "Portal",
    "PortalSpec",
    "Request",
    "RequestRecord",
    "Response",
    "SimServer",
    "WordPressPortal",
    "WordPressSpec",
    "default_portals",
    "registry_entry",
    "run_forever",
]
