"""How much synthetic data each seed scale produces."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Target sizes; the real facts count toward them."""

    name: str
    signatories: int
    other_companies: int
    products: int
    projects: int
    purchases: int
    retirements: int


SCALES = {
    "demo": Scale(
        name="demo",
        signatories=554,
        other_companies=300,
        products=3_000,
        projects=60,
        purchases=400,
        retirements=300,
    ),
    "full": Scale(
        name="full",
        signatories=554,
        other_companies=2_500,
        products=550_000,
        projects=200,
        # Some purchases find their issuance sold out; these leave at least 20,000 of each.
        purchases=21_000,
        retirements=21_000,
    ),
}
