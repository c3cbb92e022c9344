"""studyapp: learn how the learning rate shapes gradient descent, in the terminal."""

__version__ = "0.1.0"
