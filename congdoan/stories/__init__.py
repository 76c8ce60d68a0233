"""Stories: the same news posted by several portals, found by MinHash/LSH over folded text."""
