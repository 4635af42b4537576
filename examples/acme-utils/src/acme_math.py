"""Small statistics helpers."""


def mean(values: list[float]) -> float:
    """Arithmetic mean of `values`; raises ValueError when empty."""
    if not values:
        raise ValueError("mean() of an empty list")
    return sum(values) / len(values)
