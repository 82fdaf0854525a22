"""Carbon projects, issuances and a ledger of purchases and retirements that keeps every rule."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models import (
    CreditStatus,
    LedgerEventKind,
    MitigationType,
    PriorityArea,
    ProjectStatus,
    ProjectType,
    Provenance,
    QualityRating,
    Registry,
    RetirementReason,
)
from seeds.catalogue import SEED_TODAY, Catalogue
from seeds.facts import FACTS

Row = dict[str, Any]

# (priority, project type, registry, methodology, mitigation, labels, unit price band in cents)
PROJECT_KINDS = (
    (PriorityArea.FOREST_PROTECTION, ProjectType.JURISDICTIONAL_REDD_PLUS, Registry.ART,
     "ART TREES v2.0", MitigationType.REDUCTION, ("ICVCM CCP",), (1000, 2000)),
    (PriorityArea.FOREST_PROTECTION, ProjectType.REDD_PLUS, Registry.VERRA,
     "VM0048", MitigationType.REDUCTION, ("ICVCM CCP",), (200, 1000)),
    (PriorityArea.LAND_RESTORATION, ProjectType.ARR, Registry.VERRA,
     "VM0047", MitigationType.REMOVAL, ("ABACUS", "ICVCM CCP"), (1500, 3500)),
    (PriorityArea.LAND_RESTORATION, ProjectType.AGROFORESTRY, Registry.VERRA,
     "VM0047", MitigationType.REMOVAL, ("ABACUS",), (1500, 3500)),
    (PriorityArea.LAND_RESTORATION, ProjectType.IFM, Registry.VERRA,
     "VM0045", MitigationType.REMOVAL, (), (800, 2000)),
    (PriorityArea.REMOVAL_TECHNOLOGY, ProjectType.DAC, Registry.ISOMETRIC,
     "Isometric DAC v1.0", MitigationType.REMOVAL, (), (40000, 100000)),
    (PriorityArea.REMOVAL_TECHNOLOGY, ProjectType.BIOCHAR, Registry.PURO,
     "Puro Biochar", MitigationType.REMOVAL, (), (10000, 20000)),
    (PriorityArea.REMOVAL_TECHNOLOGY, ProjectType.ENHANCED_WEATHERING, Registry.ISOMETRIC,
     "Isometric ERW v1.0", MitigationType.REMOVAL, (), (25000, 40000)),
)  # fmt: skip
PRICE_BAND = {kind[1]: kind[6] for kind in PROJECT_KINDS}
HOST_COUNTRIES = {
    PriorityArea.FOREST_PROTECTION: ("BR", "PE", "CO", "ID", "CD", "GY", "GA", "EC"),
    PriorityArea.LAND_RESTORATION: ("BR", "KE", "RW", "IN", "US", "GH", "TL", "SL", "PE"),
    PriorityArea.REMOVAL_TECHNOLOGY: ("US", "CA", "IS", "GB", "IN", "NO"),
}
RATING_NOTES = {
    QualityRating.HIGH: "Meets the exchange's criteria with margin.",
    QualityRating.MEDIUM: "Meets the criteria; reservations recorded at review.",
    QualityRating.LOW: "Falls short on this dimension; not offered until remediated.",
}


def _offer_price(kind: ProjectType, ratings: list[QualityRating]) -> int | None:
    """The exchange's demo price: its band's midpoint; a project rated LOW is not offered."""
    if QualityRating.LOW in ratings:
        return None
    low, high = PRICE_BAND[kind]
    return (low + high) // 2


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@dataclass
class Ledger:
    """Issues credits as serial blocks and splits them on purchase and retirement.

    Every operation writes exactly one ledger event, plus one SPLIT event when a block is
    divided; a split block keeps its row (status SPLIT) and its children point back at it.
    """

    catalogue: Catalogue
    projects: list[Row] = field(default_factory=list)
    issuances: list[Row] = field(default_factory=list)
    blocks: list[Row] = field(default_factory=list)
    purchases: list[Row] = field(default_factory=list)
    retirements: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    _available: dict[int, Row] = field(default_factory=dict)  # issuance id -> its unsold tail
    _claimed: defaultdict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    _reports: dict[tuple[int, int], int] = field(default_factory=dict)

    def build(self) -> Ledger:
        self._real_projects()
        self._generated_projects()
        self._trade()
        return self

    def _event(self, kind: LedgerEventKind, block: Row, at: datetime, **links: Any) -> None:
        self.events.append(
            {
                "id": len(self.events) + 1,
                "occurred_at": at,
                "kind": kind,
                "quantity": block["quantity"],
                "issuance_id": block["issuance_id"],
                "block_id": block["id"],
                "details": {},
                **links,
            }
        )

    def _block(self, issuance: Row, start: int, end: int, at: datetime, **fields: Any) -> Row:
        block = {
            "id": len(self.blocks) + 1,
            "issuance_id": issuance["id"],
            "serial_start": start,
            "serial_end": end,
            "quantity": end - start + 1,
            "registry_serial": f"{issuance['serial_prefix']}-{start} to {end}",
            "status": CreditStatus.AVAILABLE,
            "owner_company_id": None,
            "parent_block_id": None,
            "purchase_id": None,
            "retirement_id": None,
            "created_at": at,
            **fields,
        }
        self.blocks.append(block)
        return block

    def _issue(self, issuance: Row) -> None:
        self.issuances.append(issuance)
        at = _at(issuance["issued_on"])
        root = self._block(issuance, issuance["serial_start"], issuance["serial_end"], at)
        self._event(LedgerEventKind.ISSUED, root, at)
        self._available[issuance["id"]] = root

    def _split(self, parent: Row, first_quantity: int, at: datetime) -> tuple[Row, Row]:
        """Cut `parent` into a front part of `first_quantity` credits and the rest."""
        issuance = self.issuances[parent["issuance_id"] - 1]
        cut = parent["serial_start"] + first_quantity
        inherited = {"owner_company_id": parent["owner_company_id"], "status": parent["status"]}
        inherited |= {"purchase_id": parent["purchase_id"], "parent_block_id": parent["id"]}
        front = self._block(issuance, parent["serial_start"], cut - 1, at, **inherited)
        back = self._block(issuance, cut, parent["serial_end"], at, **inherited)
        self._event(LedgerEventKind.SPLIT, parent, at)
        parent["status"] = CreditStatus.SPLIT
        return front, back

    def _retire_range(self, block: Row, quantity: int, retirement: Row, at: datetime) -> Row:
        """Retire the first `quantity` credits of a held block; the rest stays held."""
        if quantity < block["quantity"]:
            block, _ = self._split(block, quantity, at)
        issuance = self.issuances[block["issuance_id"] - 1]
        retirement |= {"project_id": issuance["project_id"], "quantity": quantity}
        self.retirements.append(retirement)
        block["status"] = CreditStatus.RETIRED
        block["retirement_id"] = retirement["id"]
        self._event(
            LedgerEventKind.RETIRED,
            block,
            at,
            company_id=retirement["beneficiary_company_id"],
            retirement_id=retirement["id"],
        )
        return block

    def _real_projects(self) -> None:
        ids = self.catalogue.company_ids
        for fact in FACTS.projects:
            self.projects.append(
                {
                    "id": len(self.projects) + 1,
                    "slug": fact.slug,
                    "issuing_registry": fact.registry,
                    "registry_project_id": fact.registry_project_id,
                    "name": fact.name,
                    "developer": fact.developer,
                    "country": fact.country,
                    "project_type": fact.project_type,
                    "priority_area": fact.priority_area,
                    "mitigation_type": fact.mitigation_type,
                    "methodology": fact.methodology,
                    "labels": list(fact.labels),
                    "status": fact.status,
                    "crediting_period_start": fact.crediting_period_start,
                    "crediting_period_end": fact.crediting_period_end,
                    "description": fact.description,
                    "provenance": fact.provenance,
                    "source_url": fact.source_url,
                }
            )
        project_ids = {row["slug"]: row["id"] for row in self.projects}
        for issuance_fact in FACTS.issuances:
            issued = issuance_fact.total_quantity - issuance_fact.buffer_quantity
            self._issue(
                {
                    "id": len(self.issuances) + 1,
                    "project_id": project_ids[issuance_fact.project_slug],
                    "vintage": issuance_fact.vintage,
                    "issued_on": issuance_fact.issued_on,
                    "total_quantity": issuance_fact.total_quantity,
                    "buffer_quantity": issuance_fact.buffer_quantity,
                    "issued_quantity": issued,
                    "serial_prefix": issuance_fact.serial_prefix,
                    "serial_start": issuance_fact.serial_start,
                    "serial_end": issuance_fact.serial_start + issued - 1,
                    "provenance": issuance_fact.provenance,
                    "source_url": issuance_fact.source_url,
                }
            )
        # Published retirements of serial ranges, cut out of their issuance in serial order.
        for published in sorted(FACTS.retirements, key=lambda r: (r.project_slug, r.serial_start)):
            issuance = next(
                row
                for row in self.issuances
                if row["project_id"] == project_ids[published.project_slug]
                and row["vintage"] == published.vintage
            )
            at = _at(published.retired_on)
            tail = self._available[issuance["id"]]
            if published.serial_start > tail["serial_start"]:
                _, tail = self._split(tail, published.serial_start - tail["serial_start"], at)
            owner = ids[published.retired_by_slug or published.beneficiary_slug or "amazon"]
            tail["owner_company_id"] = owner
            retirement = {
                "id": len(self.retirements) + 1,
                "beneficiary_company_id": ids.get(published.beneficiary_slug or ""),
                "beneficiary_name": published.beneficiary_name,
                "retired_by_company_id": ids.get(published.retired_by_slug or ""),
                "reason": published.reason,
                "claim_year": published.claim_year,
                "note": published.note,
                "retired_on": published.retired_on,
                "provenance": published.provenance,
                "source_url": published.source_url,
            }
            quantity = published.serial_end - published.serial_start + 1
            if quantity < tail["quantity"]:
                front, rest = self._split(tail, quantity, at)
                rest["owner_company_id"] = None
                self._available[issuance["id"]] = rest
                tail = front
            self._retire_range(tail, quantity, retirement, at)

    def _generated_projects(self) -> None:
        rng = random.Random("projects")
        for n in range(len(self.projects) + 1, self.catalogue.scale.projects + 1):
            priority, kind, registry, methodology, mitigation, labels, _ = rng.choice(PROJECT_KINDS)
            country = rng.choice(HOST_COUNTRIES[priority])
            start = date(rng.randint(2012, 2022), rng.randint(1, 12), 1)
            ratings = rng.choices(list(QualityRating), weights=(6, 3, 1), k=3)
            project = {
                "id": n,
                "slug": f"demo-{kind.value.replace('_', '-')}-{n}",
                "issuing_registry": registry,
                "registry_project_id": f"{registry.value.upper()[:3]}{9000 + n}",
                "name": f"{country} {kind.value.replace('_', ' ').title()} Project {n}",
                "developer": f"Developer {rng.randint(1, 40)}",
                "country": country,
                "project_type": kind,
                "priority_area": priority,
                "mitigation_type": mitigation,
                "methodology": methodology,
                "labels": list(labels),
                "status": ProjectStatus.REGISTERED,
                "crediting_period_start": start,
                "crediting_period_end": start.replace(year=start.year + 30),
                "description": "Synthetic demo project.",
                "offer_price_cents": _offer_price(kind, ratings),
                "provenance": Provenance.GENERATED,
                "source_url": None,
            }
            for dimension, rating in zip(
                ("additionality", "quantification", "safeguards"), ratings, strict=True
            ):
                project[f"{dimension}_rating"] = rating
                project[f"{dimension}_notes"] = RATING_NOTES[rating]
            self.projects.append(project)
            first_vintage = max(start.year, 2016)
            for vintage in range(first_vintage, min(first_vintage + rng.randint(1, 4), 2026)):
                total = rng.randint(20_000, 400_000)
                buffer = total * rng.randint(2, 20) // 100
                issued_on = date(min(vintage + 1, 2026), rng.randint(1, 10), rng.randint(1, 28))
                self._issue(
                    {
                        "id": len(self.issuances) + 1,
                        "project_id": n,
                        "vintage": vintage,
                        "issued_on": issued_on,
                        "total_quantity": total,
                        "buffer_quantity": buffer,
                        "issued_quantity": total - buffer,
                        "serial_prefix": f"{project['registry_project_id']}-{vintage}",
                        "serial_start": 1,
                        "serial_end": total - buffer,
                        "provenance": Provenance.GENERATED,
                        "source_url": None,
                    }
                )

    def _trade(self) -> None:
        """Purchases from generated issuances' inventory, then retirements of part of them."""
        rng = random.Random("trades")
        scale = self.catalogue.scale
        generated = [i for i in self.issuances if i["provenance"] == Provenance.GENERATED]
        projects = {row["id"]: row for row in self.projects}
        held: list[tuple[Row, Row]] = []
        for _ in range(scale.purchases):
            issuance = rng.choice(generated)
            tail = self._available[issuance["id"]]
            if tail["status"] != CreditStatus.AVAILABLE or tail["quantity"] < 2:
                continue
            quantity = min(rng.randint(10, 2_000), tail["quantity"] - 1)
            buyer = rng.choice(self.catalogue.buyer_ids)
            day = issuance["issued_on"] + timedelta(days=rng.randint(1, 400))
            day = min(day, SEED_TODAY - timedelta(days=30))
            at = _at(day)
            low, high = PRICE_BAND[projects[issuance["project_id"]]["project_type"]]
            unit = rng.randint(low, high)
            purchase = {
                "id": len(self.purchases) + 1,
                "buyer_company_id": buyer,
                "project_id": issuance["project_id"],
                "vintage": issuance["vintage"],
                "quantity": quantity,
                "unit_price_cents": unit,
                "total_price_cents": quantity * unit,
                "currency": "USD",
                "purchased_at": at,
            }
            self.purchases.append(purchase)
            bought, rest = self._split(tail, quantity, at)
            bought |= {
                "status": CreditStatus.HELD,
                "owner_company_id": buyer,
                "purchase_id": purchase["id"],
            }
            self._available[issuance["id"]] = rest
            self._event(
                LedgerEventKind.PURCHASED, bought, at, company_id=buyer, purchase_id=purchase["id"]
            )
            held.append((bought, purchase))
        for block, purchase in held[: scale.retirements]:
            self._retire_generated(rng, block, purchase)

    def _retire_generated(self, rng: random.Random, block: Row, purchase: Row) -> None:
        day = min(purchase["purchased_at"].date() + timedelta(days=rng.randint(1, 300)), SEED_TODAY)
        claim_year = max(2019, min(day.year - 1, 2025))
        beneficiary = purchase["buyer_company_id"]
        reported = self._reported(beneficiary, claim_year)
        room = reported - self._claimed[beneficiary, claim_year]
        quantity = min(
            block["quantity"], room, max(1, round(block["quantity"] * rng.uniform(0.3, 1)))
        )
        if quantity < 1:
            return
        self._claimed[beneficiary, claim_year] += quantity
        company = self.catalogue.companies[beneficiary - 1]
        retirement = {
            "id": len(self.retirements) + 1,
            "beneficiary_company_id": beneficiary,
            "beneficiary_name": company["name"],
            "retired_by_company_id": self.catalogue.company_ids["amazon"],
            "reason": rng.choice(
                (RetirementReason.RESIDUAL_EMISSIONS, RetirementReason.CORPORATE_TARGET)
            ),
            "claim_year": claim_year,
            "note": f"Residual emissions {claim_year}; retired by the exchange for the buyer.",
            "retired_on": day,
            "provenance": Provenance.GENERATED,
            "source_url": None,
        }
        self._retire_range(block, quantity, retirement, _at(day))

    def _reported(self, company_id: int, year: int) -> int:
        for report in self.catalogue.emissions_reports:
            if report["company_id"] == company_id and report["year"] == year:
                return int(
                    report["scope_1_tco2e"] + report["scope_2_tco2e"] + report["scope_3_tco2e"]
                )
        return 0
