"""The add-on API: hook markers and the hook specifications, one module per area."""
