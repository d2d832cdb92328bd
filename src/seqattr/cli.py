"""The `seqattr` command: `seqattr --version`, and `seqattr config FILE`, the config check
that `make run` does before Snakemake reads the file (`python -m seqattr.config FILE`)."""

import argparse
import sys

from seqattr import installed_version
from seqattr.config import ConfigError, check_config_file


def parser() -> argparse.ArgumentParser:
    commands = argparse.ArgumentParser(prog="seqattr", description=__doc__.splitlines()[0])
    commands.add_argument("--version", action="version", version=f"seqattr {installed_version() or '(not installed)'}")
    subcommands = commands.add_subparsers(dest="command", metavar="COMMAND")
    check = subcommands.add_parser("config", help="check a config file as the Snakefile does (schema, defaults, "
                                                  "cross-key checks); one line naming the file and key")
    check.add_argument("file", help="a YAML or JSON config, e.g. config/test.yaml")
    return commands


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    if arguments.command == "config":
        try:
            check_config_file(arguments.file)
        except ConfigError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"{arguments.file}: ok")
        return 0
    parser().print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
