"""Subcommands of `studyapp`, one module each."""
