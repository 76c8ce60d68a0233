"""Portal detection: a few polite requests say which CMS a portal runs and how to crawl it.

``fetch`` is the small synchronous client (robots.txt, our User-Agent, timeouts,
a byte cap, a request budget); ``nukeviet``, ``wordpress`` and ``feeds`` read
what the pages show; ``portal`` puts it together; ``entry`` turns a detection
into a registry entry and writes it; ``discover`` tries the naming patterns of
union portals for a unit.
"""
