"""`studyapp schema` (being built)."""


def register(subparsers):
    parser = subparsers.add_parser("schema", help="(being built)")
    parser.set_defaults(func=lambda args: 2)
