"""`python -m bot` is the `lorebot` command."""

from bot.cli import main

main()
