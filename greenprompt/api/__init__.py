"""The public API: every command of the CLI is one call here (greenprompt/__init__.py
re-exports them lazily). Heavy libraries load inside the calls, never at import."""
