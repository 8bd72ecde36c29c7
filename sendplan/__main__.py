"""`python -m sendplan` and the `sendplan` command: Ctrl-C while Python is still importing
the command line is one line and exit 130 too, not a traceback."""


def main() -> None:
    try:
        from sendplan.cli import main as run
    except KeyboardInterrupt:
        import sys

        sys.stderr.write("sendplan: interrupted.\n")
        sys.exit(130)
    run()


if __name__ == "__main__":
    main()
