"""The one error class the CLI turns into a clean one-line message and exit code 2."""


class GreenPromptError(Exception):
    """Bad input or an unusable resource: what is wrong, where, and what to do."""

    exit_code = 2
