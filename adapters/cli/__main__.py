"""`python -m adapters.cli`: the same as the `lorebot` command."""

from adapters.cli.app import main

main()
