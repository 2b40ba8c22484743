"""The `greenprompt` command: options declared by the configuration, one call into the API each."""
