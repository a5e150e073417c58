"""Feature packages: each capability in one package with the same file names (docs/architecture.md)."""
