"""Built-in features, written as plugins through the same hooks add-ons use."""
