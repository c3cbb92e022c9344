"""`studyapp validate` (being built)."""


def register(subparsers):
    parser = subparsers.add_parser("validate", help="(being built)")
    parser.set_defaults(func=lambda args: 2)
