"""Item pipelines, one job each: validate → normalize → dedupe → store; ``pages`` records every fetch."""
