"""Text helpers that build on the private `hello_package`."""

from hello_package import greet

__version__ = "1.0.0"


def shout(name: str) -> str:
    """Greet `name` loudly: the greeting from hello_package, upper-cased."""
    return greet(name).upper()
