"""Near-duplicate opinions (merge, follow the existing item) and hotspots (重点约访)."""
