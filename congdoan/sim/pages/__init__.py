"""Page templates of the simulated NukeViet portal (default theme markup)."""
