"""Docs stay true to the code: every command and option of the CLI is in the README."""

from __future__ import annotations

import re

import click
import pytest
from conftest import ROOT

from archive.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS = (ROOT / "settings.py").read_text(encoding="utf-8")


def _commands():
    return sorted(cli.commands.items())


@pytest.mark.parametrize("name, command", _commands(), ids=[n for n, _ in _commands()])
def test_every_command_and_option_is_in_the_readme(name: str, command: click.Command):
    assert f"portal-archive {name}" in README
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(opt in README for opt in param.opts), f"{name} {param.opts} missing from README"


def test_every_custom_setting_is_documented():
    custom = re.findall(r"^((?:ARCHIVE|PORTALS|WARC)_[A-Z_]+)\s*=", SETTINGS, re.M)
    missing = [key for key in custom if key not in README]
    assert not missing, f"settings missing from README: {missing}"
