"""The public Python API: everything the CLI does, as functions that return records."""
