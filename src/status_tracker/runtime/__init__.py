"""Everything that runs: the single writer, the bus, loops and the lifespan."""
