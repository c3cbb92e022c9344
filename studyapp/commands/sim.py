"""`studyapp sim` (being built)."""


def register(subparsers):
    parser = subparsers.add_parser("sim", help="(being built)")
    parser.set_defaults(func=lambda args: 2)
