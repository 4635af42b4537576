"""A greeting library: the example that pypub publishes end to end."""

__version__ = "0.1.0"


def greet(name: str) -> str:
    """Return a friendly greeting for `name`."""
    return f"Hello, {name}!"
