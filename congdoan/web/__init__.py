"""The web interface for analysts (``congdoan serve``): pages, JSON API, Atom feeds."""
