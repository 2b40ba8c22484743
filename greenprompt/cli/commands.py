"""The click classes every greenprompt command and group is built with: the one place that
makes help texts plain text and lets `--show-completion`/`--install-completion` take a shell.

typer renders help with rich markup, so a help text's `[mlflow]` was read as a markup tag and
vanished ("needs greenprompt."); typer 0.29 labels every flag `<bool>` although a flag takes no
value; and with shell detection (shellingham installed) typer's completion options are flags,
so in `--show-completion zsh` the `zsh` was left over and the detected shell's (bash's) script
was printed.
"""

from __future__ import annotations

from rich.markup import escape
from typer.completion import Shells, install_callback, show_callback
from typer.core import TyperCommand, TyperGroup

SHELLS = tuple(s.value for s in Shells)
COMPLETION_HELP = {
    "show_completion": f"Print the shell completion script: for SHELL ({', '.join(SHELLS)}) if given, else the current shell.",
    "install_completion": f"Install shell completion: for SHELL ({', '.join(SHELLS)}) if given, else the current shell.",
}


def _plain(param) -> None:
    """A parameter's help as plain text (brackets escaped) and no type label on a flag; once."""
    if getattr(param, "_plain", False):
        return
    param._plain = True
    if param.name in COMPLETION_HELP:
        param.help, param.metavar = COMPLETION_HELP[param.name], "[SHELL]"
    if param.help:
        param.help = escape(param.help)
    if getattr(param, "is_flag", False) and param.metavar is None:
        param.metavar = ""


class _PlainHelp:
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.help = escape(self.help) if self.help else self.help
        self.short_help = escape(self.short_help) if self.short_help else self.short_help

    def get_params(self, ctx):
        # here rather than in __init__: typer appends the completion options and click the
        # help option after the command is built
        params = super().get_params(ctx)
        for p in params:
            _plain(p)
        return params


class Command(_PlainHelp, TyperCommand):
    """Every greenprompt command (`app.command(cls=Command)`)."""


class Group(_PlainHelp, TyperGroup):
    """The root app and `runs` (`typer.Typer(cls=Group)`)."""

    def parse_args(self, ctx, args):
        mine = {p.name for p in self.params}
        for i, arg in enumerate(args[:-1]):
            if not arg.startswith("-"):  # the command's name: what follows is its own
                break
            if arg.lstrip("-").replace("-", "_") in COMPLETION_HELP.keys() & mine and args[i + 1] in SHELLS:
                # typer's own callbacks, given the shell instead of detecting it; they exit
                callback = show_callback if arg == "--show-completion" else install_callback
                callback(ctx, None, args[i + 1])
        return super().parse_args(ctx, args)
