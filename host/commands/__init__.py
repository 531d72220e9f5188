"""CLI subcommands, one module per area; see repetend.host.cli."""
