"""JSON-LD contexts shipped as package data (index.json maps URL to file)."""
