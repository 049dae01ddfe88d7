"""Storage: the fail-closed SQL tracker store."""
