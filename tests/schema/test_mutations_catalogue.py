"""Catalogue mutations: admins only, checked against the domain, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import SQLModel, func, select
from strawberry.relay import to_base64
from strawberry.types.base import get_object_definition
from strawberry.utils.str_converters import to_camel_case

import models
from models.db import Database
from resolvers.viewer import Role, Viewer
from schema.mutations.catalogue import CatalogueMutations
from tests.factories import (
    make_certification,
    make_company,
    make_product,
    make_product_certification,
    make_project,
    make_signature,
)
from tests.fixtures.database import StatementCounter
from tests.fixtures.graphql import GraphQLClient

ADMIN = Viewer(role=Role.ADMIN)
ERRORS = "userErrors { field message code }"


@pytest.fixture
def admin(gql: GraphQLClient) -> GraphQLClient:
    return gql.as_viewer(ADMIN)


async def count(db: Database, model: type[SQLModel]) -> int:
    rows = await db.rows(select(func.count()).select_from(model))
    return int(rows[0][0])


async def counts(db: Database) -> dict[str, int]:
    """Rows of every table a catalogue mutation writes."""
    tables: list[type[SQLModel]] = [
        models.Company,
        models.PledgeSignature,
        models.Certification,
        models.Product,
        models.ProductCertification,
        models.CarbonProject,
    ]
    return {table.__name__: await count(db, table) for table in tables}


def gid(type_name: str, row: Any) -> str:
    return to_base64(type_name, row.id)


async def refused(
    client: GraphQLClient, document: str, name: str, **variables: Any
) -> list[tuple[list[str] | None, str]]:
    """(field, code) of each userError; the payload's object must be null."""
    payload = (await client.data(document, **variables))[name]
    assert payload[next(key for key in payload if key != "userErrors")] is None
    return [(error["field"], error["code"]) for error in payload["userErrors"]]


# Companies

COMPANY_FIELDS = "id slug name sector hqCountry website provenance sourceUrl"
COMPANY_CREATE = f"""
mutation ($input: CompanyCreateInput!) {{
  companyCreate(input: $input) {{ company {{ {COMPANY_FIELDS} }} {ERRORS} }}
}}"""
COMPANY_UPDATE = f"""
mutation ($input: CompanyUpdateInput!) {{
  companyUpdate(input: $input) {{ company {{ {COMPANY_FIELDS} }} {ERRORS} }}
}}"""
COMPANY_BY_SLUG = f"query ($slug: String!) {{ company(slug: $slug) {{ {COMPANY_FIELDS} }} }}"


def company_input(**overrides: Any) -> dict[str, Any]:
    return {
        "slug": "acme-packaging",
        "name": "Acme Packaging",
        "sector": "Consumer goods",
        "hqCountry": "DE",
        "website": "https://acme.example",
    } | overrides


async def test_company_create_stores_the_company_and_it_reads_back(admin: GraphQLClient) -> None:
    payload = (
        await admin.data(COMPANY_CREATE, input=company_input(name="  Acme  ", hqCountry="de"))
    )["companyCreate"]

    assert payload["userErrors"] == []
    created = payload["company"]
    assert created | {"id": None} == {
        "id": None,
        "slug": "acme-packaging",
        "name": "Acme",
        "sector": "Consumer goods",
        "hqCountry": "DE",
        "website": "https://acme.example",
        "provenance": "UNCONFIRMED",
        "sourceUrl": None,
    }
    read = await admin.data(COMPANY_BY_SLUG, slug="acme-packaging")
    assert read["company"] == created


@pytest.mark.parametrize(
    ("override", "field", "code"),
    [
        ({"slug": "Acme Packaging"}, "slug", "INVALID_INPUT"),
        ({"slug": "acme--packaging"}, "slug", "INVALID_INPUT"),
        ({"slug": "  "}, "slug", "BLANK"),
        ({"slug": "a" * 81}, "slug", "TOO_LONG"),
        ({"name": "x" * 201}, "name", "TOO_LONG"),
        ({"name": "nul\x00byte"}, "name", "INVALID_INPUT"),
        ({"sector": "Tech"}, "sector", "INVALID_INPUT"),
        ({"hqCountry": "XX"}, "hqCountry", "INVALID_INPUT"),
        ({"hqCountry": "UK"}, "hqCountry", "INVALID_INPUT"),
        ({"hqCountry": "DEU"}, "hqCountry", "TOO_LONG"),
        ({"website": "ftp://acme.example"}, "website", "INVALID_INPUT"),
        ({"website": "https://"}, "website", "INVALID_INPUT"),
        ({"provenance": "GENERATED"}, "provenance", "INVALID_INPUT"),
        ({"sourceUrl": "not a url"}, "sourceUrl", "INVALID_INPUT"),
    ],
)
async def test_company_create_refuses_bad_fields_and_writes_nothing(
    admin: GraphQLClient, db: Database, override: dict[str, Any], field: str, code: str
) -> None:
    before = await counts(db)

    errors = await refused(admin, COMPANY_CREATE, "companyCreate", input=company_input(**override))

    assert errors == [(["input", field], code)]
    assert await counts(db) == before


async def test_company_create_reports_every_bad_field_at_once(admin: GraphQLClient) -> None:
    errors = await refused(
        admin,
        COMPANY_CREATE,
        "companyCreate",
        input=company_input(slug="Bad Slug", sector="Tech", hqCountry="ZZ"),
    )

    assert errors == [
        (["input", "slug"], "INVALID_INPUT"),
        (["input", "sector"], "INVALID_INPUT"),
        (["input", "hqCountry"], "INVALID_INPUT"),
    ]


async def test_company_create_with_a_taken_slug_is_already_exists(
    admin: GraphQLClient, db: Database
) -> None:
    await make_company(db, slug="acme-packaging")
    before = await counts(db)

    errors = await refused(admin, COMPANY_CREATE, "companyCreate", input=company_input())

    assert errors == [(["input", "slug"], "ALREADY_EXISTS")]
    assert await counts(db) == before


async def test_company_update_changes_only_the_fields_given(
    admin: GraphQLClient, db: Database
) -> None:
    company = await make_company(db, name="Old Name", website="https://old.example")

    payload = (
        await admin.data(
            COMPANY_UPDATE,
            input={"id": gid("Company", company), "name": "New Name", "website": None},
        )
    )["companyUpdate"]

    assert payload["userErrors"] == []
    read = (await admin.data(COMPANY_BY_SLUG, slug=company.slug))["company"]
    assert read == payload["company"]
    assert (read["name"], read["website"], read["sector"], read["hqCountry"]) == (
        "New Name",
        None,
        company.sector,
        company.hq_country,
    )


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"name": None}, "name", "BLANK"),
        ({"slug": None}, "slug", "BLANK"),
        ({"hqCountry": "Q1"}, "hqCountry", "INVALID_INPUT"),
        ({"provenance": None}, "provenance", "BLANK"),
    ],
)
async def test_company_update_refuses_bad_fields_and_changes_nothing(
    admin: GraphQLClient, db: Database, changes: dict[str, Any], field: str, code: str
) -> None:
    company = await make_company(db, name="Kept")

    errors = await refused(
        admin, COMPANY_UPDATE, "companyUpdate", input={"id": gid("Company", company)} | changes
    )

    assert errors == [(["input", field], code)]
    assert (await admin.data(COMPANY_BY_SLUG, slug=company.slug))["company"]["name"] == "Kept"


async def test_company_update_to_a_taken_slug_is_already_exists_and_changes_nothing(
    admin: GraphQLClient, db: Database
) -> None:
    await make_company(db, slug="taken")
    company = await make_company(db, slug="mine", name="Mine")

    errors = await refused(
        admin,
        COMPANY_UPDATE,
        "companyUpdate",
        input={"id": gid("Company", company), "slug": "taken", "name": "Renamed"},
    )

    assert errors == [(["input", "slug"], "ALREADY_EXISTS")]
    assert (await admin.data(COMPANY_BY_SLUG, slug="mine"))["company"]["name"] == "Mine"


async def test_update_of_an_unknown_id_is_not_found(admin: GraphQLClient) -> None:
    errors = await refused(
        admin,
        COMPANY_UPDATE,
        "companyUpdate",
        input={"id": to_base64("Company", 2_000_000_000), "name": "X"},
    )

    assert errors == [(["input", "id"], "NOT_FOUND")]


@pytest.mark.parametrize(
    "global_id", [to_base64("Product", 1), "not-an-id", to_base64("Company", "abc")]
)
async def test_update_with_an_id_that_names_no_company_is_invalid_id(
    admin: GraphQLClient, global_id: str
) -> None:
    errors = await admin.errors(COMPANY_UPDATE, input={"id": global_id, "name": "X"})

    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
        ("INVALID_ID", "input.id")
    ]


# Pledge signatures

SIGNATURE_RECORD = f"""
mutation ($input: SignatureRecordInput!) {{
  signatureRecord(input: $input) {{
    company {{ slug signature {{ signedOn netZeroTargetYear provenance }} }} {ERRORS}
  }}
}}"""


async def test_signature_record_creates_then_replaces_the_signature(
    admin: GraphQLClient, db: Database
) -> None:
    company = await make_company(db)
    first = {"companyId": gid("Company", company), "signedOn": "2021-04-21"}

    created = (await admin.data(SIGNATURE_RECORD, input=first))["signatureRecord"]
    replaced = (
        await admin.data(
            SIGNATURE_RECORD,
            input=first
            | {"signedOn": "2022-03-14", "netZeroTargetYear": 2035, "provenance": "SOURCED"},
        )
    )["signatureRecord"]

    assert created["company"]["signature"] == {
        "signedOn": "2021-04-21",
        "netZeroTargetYear": 2040,
        "provenance": "UNCONFIRMED",
    }
    assert replaced["userErrors"] == []
    assert replaced["company"]["signature"] == {
        "signedOn": "2022-03-14",
        "netZeroTargetYear": 2035,
        "provenance": "SOURCED",
    }
    assert await count(db, models.PledgeSignature) == 1


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"signedOn": "2019-09-18"}, "signedOn"),
        ({"signedOn": "2999-01-01"}, "signedOn"),
        ({"netZeroTargetYear": 2041}, "netZeroTargetYear"),
        ({"signedOn": "2024-06-14", "netZeroTargetYear": 2023}, "netZeroTargetYear"),
    ],
)
async def test_signature_record_refuses_dates_outside_the_pledge(
    admin: GraphQLClient, db: Database, override: dict[str, Any], field: str
) -> None:
    company = await make_company(db)
    await make_signature(db, company)
    before = await counts(db)
    signature = {"companyId": gid("Company", company), "signedOn": "2021-04-21"} | override

    errors = await refused(admin, SIGNATURE_RECORD, "signatureRecord", input=signature)

    assert errors == [(["input", field], "INVALID_INPUT")]
    assert await counts(db) == before


async def test_signature_record_for_an_unknown_company_is_not_found(admin: GraphQLClient) -> None:
    signature = {"companyId": to_base64("Company", 2_000_000_000), "signedOn": "2021-04-21"}

    errors = await refused(admin, SIGNATURE_RECORD, "signatureRecord", input=signature)

    assert errors == [(["input", "companyId"], "NOT_FOUND")]


# Certifications

CERTIFICATION_FIELDS = "id slug name issuer category carbonRelated amazonOwned level marketplaces"
CERTIFICATION_CREATE = f"""
mutation ($input: CertificationCreateInput!) {{
  certificationCreate(input: $input) {{ certification {{ {CERTIFICATION_FIELDS} }} {ERRORS} }}
}}"""
CERTIFICATION_UPDATE = f"""
mutation ($input: CertificationUpdateInput!) {{
  certificationUpdate(input: $input) {{ certification {{ {CERTIFICATION_FIELDS} }} {ERRORS} }}
}}"""


def certification_input(**overrides: Any) -> dict[str, Any]:
    return {
        "slug": "green-label",
        "name": "Green Label",
        "issuer": "Green Label Trust",
        "category": "MULTI",
        "carbonRelated": False,
        "level": "PRODUCT",
        "marketplaces": ["DE", "US"],
        "description": "A multi-attribute ecolabel.",
        "recognizedSince": "2021-03-01",
    } | overrides


async def test_certification_create_stores_it_and_it_reads_back(admin: GraphQLClient) -> None:
    payload = (await admin.data(CERTIFICATION_CREATE, input=certification_input()))[
        "certificationCreate"
    ]

    assert payload["userErrors"] == []
    read = await admin.data(
        f'{{ certification(slug: "green-label") {{ {CERTIFICATION_FIELDS} }} }}'
    )
    assert read["certification"] == payload["certification"]
    # Stored in the marketplaces' own order, whatever order they were given in.
    assert read["certification"]["marketplaces"] == ["US", "DE"]
    assert read["certification"]["amazonOwned"] is False


@pytest.mark.parametrize(
    ("override", "field", "code"),
    [
        ({"marketplaces": []}, ["marketplaces"], "BLANK"),
        ({"marketplaces": ["US", "US"]}, ["marketplaces", "1"], "INVALID_INPUT"),
        ({"recognizedSince": "2020-09-22"}, ["recognizedSince"], "INVALID_INPUT"),
        ({"description": " "}, ["description"], "BLANK"),
        ({"issuer": "i" * 201}, ["issuer"], "TOO_LONG"),
        ({"url": "javascript:alert(1)"}, ["url"], "INVALID_INPUT"),
    ],
)
async def test_certification_create_refuses_bad_fields_and_writes_nothing(
    admin: GraphQLClient, db: Database, override: dict[str, Any], field: list[str], code: str
) -> None:
    before = await counts(db)

    errors = await refused(
        admin, CERTIFICATION_CREATE, "certificationCreate", input=certification_input(**override)
    )

    assert errors == [(["input", *field], code)]
    assert await counts(db) == before


@pytest.mark.parametrize(("field", "value"), [("slug", "green-label"), ("name", "Green Label")])
async def test_certification_create_with_a_taken_key_is_already_exists(
    admin: GraphQLClient, db: Database, field: str, value: str
) -> None:
    await make_certification(db, **{field: value})
    before = await counts(db)

    errors = await refused(
        admin, CERTIFICATION_CREATE, "certificationCreate", input=certification_input()
    )

    assert errors == [(["input", field], "ALREADY_EXISTS")]
    assert await counts(db) == before


async def test_certification_update_changes_only_the_fields_given(
    admin: GraphQLClient, db: Database
) -> None:
    certification = await make_certification(db, name="Before", marketplaces=["us"])

    payload = (
        await admin.data(
            CERTIFICATION_UPDATE,
            input={"id": gid("Certification", certification), "marketplaces": ["UK", "FR"]},
        )
    )["certificationUpdate"]

    assert payload["userErrors"] == []
    assert payload["certification"]["name"] == "Before"
    assert payload["certification"]["marketplaces"] == ["UK", "FR"]


# Products

PRODUCT_FIELDS = """
  id asin title brand category marketplace provenance price { amount currency }
  brandCompany { slug }
  certifications { certificateNumber validFrom validTo certification { slug } }
"""
PRODUCT_CREATE = f"""
mutation ($input: ProductCreateInput!) {{
  productCreate(input: $input) {{ product {{ {PRODUCT_FIELDS} }} {ERRORS} }}
}}"""
PRODUCT_UPDATE = f"""
mutation ($input: ProductUpdateInput!) {{
  productUpdate(input: $input) {{ product {{ {PRODUCT_FIELDS} }} {ERRORS} }}
}}"""
PRODUCT_BY_ASIN = f"query ($asin: String!) {{ product(asin: $asin) {{ {PRODUCT_FIELDS} }} }}"
SEARCH = "query ($text: String!) { products(search: $text, first: 10) { nodes { asin } } }"


def product_input(**overrides: Any) -> dict[str, Any]:
    return {
        "asin": "B0TESTSOAP",
        "title": "Lavender Shampoo Bar",
        "brand": "Meadowfoam",
        "category": "BEAUTY",
        "marketplace": "DE",
        "price": {"amount": "8.50", "currency": "EUR"},
    } | overrides


def certificate(certification: models.Certification, **overrides: Any) -> dict[str, Any]:
    return {
        "certificationId": gid("Certification", certification),
        "certificateNumber": "CERT-1",
        "validFrom": "2024-01-01",
    } | overrides


async def search(client: GraphQLClient, text: str) -> list[str]:
    nodes = (await client.data(SEARCH, text=text))["products"]["nodes"]
    return [node["asin"] for node in nodes]


async def test_product_create_stores_the_product_with_its_certificates(
    admin: GraphQLClient, db: Database
) -> None:
    brand = await make_company(db, slug="meadowfoam")
    organic = await make_certification(db, slug="organic-label")
    fair = await make_certification(db, slug="fair-label")
    product = product_input(
        brandCompanyId=gid("Company", brand),
        certificates=[
            certificate(organic, validTo="2026-12-31"),
            certificate(fair, certificateNumber="F-9", validFrom="2025-02-01"),
        ],
    )

    payload = (await admin.data(PRODUCT_CREATE, input=product))["productCreate"]

    assert payload["userErrors"] == []
    read = (await admin.data(PRODUCT_BY_ASIN, asin="B0TESTSOAP"))["product"]
    assert read == payload["product"]
    assert read["price"] == {"amount": "8.50", "currency": "EUR"}
    assert read["brandCompany"] == {"slug": "meadowfoam"}
    assert read["provenance"] == "UNCONFIRMED"
    assert read["certifications"] == [
        {
            "certificateNumber": "CERT-1",
            "validFrom": "2024-01-01",
            "validTo": "2026-12-31",
            "certification": {"slug": "organic-label"},
        },
        {
            "certificateNumber": "F-9",
            "validFrom": "2025-02-01",
            "validTo": None,
            "certification": {"slug": "fair-label"},
        },
    ]


async def test_a_created_product_is_found_by_search(admin: GraphQLClient) -> None:
    await admin.data(PRODUCT_CREATE, input=product_input(title="Lavender Shampoo Bar"))

    # Stemmed on both databases: "bars" finds "Bar".
    assert await search(admin, "lavender shampoo bars") == ["B0TESTSOAP"]
    assert await search(admin, "meadowfoam") == ["B0TESTSOAP"]


async def test_an_updated_title_is_what_search_finds(admin: GraphQLClient, db: Database) -> None:
    product = await make_product(db, asin="B0RENAMED0", title="Plain Dish Soap", brand="Brand")

    await admin.data(
        PRODUCT_UPDATE, input={"id": gid("Product", product), "title": "Citrus Surface Cleaner"}
    )

    assert await search(admin, "citrus cleaner") == ["B0RENAMED0"]
    assert await search(admin, "dish soap") == []


@pytest.mark.parametrize(
    ("override", "field", "code"),
    [
        ({"asin": "b0testsoap"}, ["asin"], "INVALID_INPUT"),
        ({"asin": "B0SHORT"}, ["asin"], "INVALID_INPUT"),
        ({"asin": "B0TOOLONG00"}, ["asin"], "TOO_LONG"),
        ({"title": ""}, ["title"], "BLANK"),
        ({"price": {"amount": "8.505", "currency": "EUR"}}, ["price", "amount"], "INVALID_INPUT"),
        ({"price": {"amount": "-1", "currency": "EUR"}}, ["price", "amount"], "INVALID_INPUT"),
        ({"price": {"amount": "NaN", "currency": "EUR"}}, ["price", "amount"], "INVALID_INPUT"),
        ({"price": {"amount": "8.50", "currency": "E1"}}, ["price", "currency"], "INVALID_INPUT"),
        ({"price": {"amount": "8.50", "currency": "USD"}}, ["price", "currency"], "INVALID_INPUT"),
        ({"provenance": "GENERATED"}, ["provenance"], "INVALID_INPUT"),
        ({"brandCompanyId": to_base64("Company", 2_000_000_000)}, ["brandCompanyId"], "NOT_FOUND"),
    ],
)
async def test_product_create_refuses_bad_fields_and_writes_nothing(
    admin: GraphQLClient, db: Database, override: dict[str, Any], field: list[str], code: str
) -> None:
    before = await counts(db)

    errors = await refused(admin, PRODUCT_CREATE, "productCreate", input=product_input(**override))

    assert errors == [(["input", *field], code)]
    assert await counts(db) == before


async def test_product_create_with_a_taken_asin_is_already_exists(
    admin: GraphQLClient, db: Database
) -> None:
    await make_product(db, asin="B0TESTSOAP")
    before = await counts(db)

    errors = await refused(admin, PRODUCT_CREATE, "productCreate", input=product_input())

    assert errors == [(["input", "asin"], "ALREADY_EXISTS")]
    assert await counts(db) == before


async def test_product_with_one_unknown_certification_writes_nothing(
    admin: GraphQLClient, db: Database
) -> None:
    known = await make_certification(db)
    unknown = {"certificationId": to_base64("Certification", 2_000_000_000)}
    before = await counts(db)

    errors = await refused(
        admin,
        PRODUCT_CREATE,
        "productCreate",
        input=product_input(certificates=[certificate(known), certificate(known) | unknown]),
    )

    assert errors == [(["input", "certificates", "1", "certificationId"], "NOT_FOUND")]
    assert await counts(db) == before


@pytest.mark.parametrize(
    ("second", "field"),
    [
        ({"validFrom": "2024-01-01"}, ["certificates", "1", "validFrom"]),
        ({"validFrom": "2024-05-01", "validTo": "2024-04-30"}, ["certificates", "1", "validTo"]),
        (
            {"validFrom": "2024-05-01", "certificateNumber": " "},
            ["certificates", "1", "certificateNumber"],
        ),
    ],
)
async def test_product_certificates_are_checked_one_by_one(
    admin: GraphQLClient, db: Database, second: dict[str, Any], field: list[str]
) -> None:
    certification = await make_certification(db)
    before = await counts(db)
    certificates = [certificate(certification), certificate(certification) | second]

    errors = await refused(
        admin, PRODUCT_CREATE, "productCreate", input=product_input(certificates=certificates)
    )

    assert [error_field for error_field, _ in errors] == [["input", *field]]
    assert await counts(db) == before


async def test_product_update_replaces_the_certificates_when_given(
    admin: GraphQLClient, db: Database
) -> None:
    old = await make_certification(db, slug="old-label")
    new = await make_certification(db, slug="new-label")
    product = await make_product(db, asin="B0REPLACE0", title="Kept Title")
    await make_product_certification(db, product, old)

    payload = (
        await admin.data(
            PRODUCT_UPDATE,
            input={"id": gid("Product", product), "certificates": [certificate(new)]},
        )
    )["productUpdate"]

    assert payload["userErrors"] == []
    read = (await admin.data(PRODUCT_BY_ASIN, asin="B0REPLACE0"))["product"]
    assert read["title"] == "Kept Title"
    assert [c["certification"]["slug"] for c in read["certifications"]] == ["new-label"]

    await admin.data(PRODUCT_UPDATE, input={"id": gid("Product", product), "certificates": []})
    assert (await admin.data(PRODUCT_BY_ASIN, asin="B0REPLACE0"))["product"]["certifications"] == []


async def test_product_update_keeps_the_price_in_the_marketplace_currency(
    admin: GraphQLClient, db: Database
) -> None:
    product = await make_product(db, marketplace=models.Marketplace.US, price_currency="USD")

    moved_alone = await refused(
        admin,
        PRODUCT_UPDATE,
        "productUpdate",
        input={"id": gid("Product", product), "marketplace": "UK"},
    )
    moved_with_price = (
        await admin.data(
            PRODUCT_UPDATE,
            input={
                "id": gid("Product", product),
                "marketplace": "UK",
                "price": {"amount": "10.00", "currency": "GBP"},
            },
        )
    )["productUpdate"]

    assert moved_alone == [(["input", "marketplace"], "INVALID_INPUT")]
    assert moved_with_price["userErrors"] == []
    assert moved_with_price["product"]["price"] == {"amount": "10.00", "currency": "GBP"}


async def test_a_failure_after_certificates_were_rewritten_undoes_them(
    admin: GraphQLClient, db: Database, statements: StatementCounter
) -> None:
    old = await make_certification(db, slug="old-label")
    new = await make_certification(db, slug="new-label")
    await make_product(db, asin="B0TAKEN000")
    product = await make_product(db, asin="B0MINE0000", title="Mine")
    await make_product_certification(db, product, old)
    statements.reset()

    errors = await refused(
        admin,
        PRODUCT_UPDATE,
        "productUpdate",
        input={
            "id": gid("Product", product),
            "asin": "B0TAKEN000",
            "title": "Renamed",
            "certificates": [certificate(new)],
        },
    )

    assert errors == [(["input", "asin"], "ALREADY_EXISTS")]
    # The certificates had been rewritten when the ASIN clashed: the write was under way.
    written = [s for s in statements.statements if s.lstrip().upper().startswith("INSERT")]
    assert any("product_certifications" in s for s in written)
    read = (await admin.data(PRODUCT_BY_ASIN, asin="B0MINE0000"))["product"]
    assert read["title"] == "Mine"
    assert [c["certification"]["slug"] for c in read["certifications"]] == ["old-label"]


# Carbon projects

PROJECT_FIELDS = """
  id slug registry registryProjectId name country projectType priorityArea mitigationType
  labels status creditingPeriodStart creditingPeriodEnd description offerPrice { amount currency }
  quality { additionality { rating notes } safeguards { rating notes } }
"""
PROJECT_CREATE = f"""
mutation ($input: CarbonProjectCreateInput!) {{
  carbonProjectCreate(input: $input) {{ carbonProject {{ {PROJECT_FIELDS} }} {ERRORS} }}
}}"""
PROJECT_UPDATE = f"""
mutation ($input: CarbonProjectUpdateInput!) {{
  carbonProjectUpdate(input: $input) {{ carbonProject {{ {PROJECT_FIELDS} }} {ERRORS} }}
}}"""
PROJECT_BY_SLUG = f"query ($slug: String!) {{ carbonProject(slug: $slug) {{ {PROJECT_FIELDS} }} }}"


def project_input(**overrides: Any) -> dict[str, Any]:
    return {
        "slug": "kenya-agroforestry",
        "registry": "VERRA",
        "registryProjectId": "VCS4242",
        "name": "Kenya Smallholder Agroforestry",
        "country": "KE",
        "projectType": "AGROFORESTRY",
        "priorityArea": "LAND_RESTORATION",
        "mitigationType": "REMOVAL",
        "labels": ["ABACUS"],
        "status": "REGISTERED",
        "creditingPeriodStart": "2022-01-01",
        "creditingPeriodEnd": "2051-12-31",
        "additionalityRating": "HIGH",
        "additionalityNotes": "Finance-dependent.",
    } | overrides


async def test_carbon_project_create_stores_it_and_it_reads_back(admin: GraphQLClient) -> None:
    payload = (await admin.data(PROJECT_CREATE, input=project_input()))["carbonProjectCreate"]

    assert payload["userErrors"] == []
    read = (await admin.data(PROJECT_BY_SLUG, slug="kenya-agroforestry"))["carbonProject"]
    assert read == payload["carbonProject"]
    assert read["registry"] == "VERRA"
    assert read["labels"] == ["ABACUS"]
    assert read["description"] == ""
    assert read["quality"] == {
        "additionality": {"rating": "HIGH", "notes": "Finance-dependent."},
        "safeguards": {"rating": None, "notes": None},
    }


@pytest.mark.parametrize(
    ("override", "field", "code"),
    [
        ({"creditingPeriodEnd": "2022-01-01"}, ["creditingPeriodEnd"], "INVALID_INPUT"),
        ({"creditingPeriodStart": "1989-12-31"}, ["creditingPeriodStart"], "INVALID_INPUT"),
        (
            {"projectType": "DAC", "mitigationType": "REDUCTION"},
            ["mitigationType"],
            "INVALID_INPUT",
        ),
        ({"projectType": "REDD_PLUS"}, ["mitigationType"], "INVALID_INPUT"),
        ({"labels": ["ABACUS", "ABACUS"]}, ["labels", "1"], "INVALID_INPUT"),
        ({"labels": ["ok", ""]}, ["labels", "1"], "BLANK"),
        ({"country": "ZZ"}, ["country"], "INVALID_INPUT"),
        ({"registryProjectId": "V" * 41}, ["registryProjectId"], "TOO_LONG"),
        ({"offerPrice": "0"}, ["offerPrice"], "INVALID_INPUT"),
        ({"offerPrice": "12.345"}, ["offerPrice"], "INVALID_INPUT"),
        ({"offerPrice": "-1"}, ["offerPrice"], "INVALID_INPUT"),
    ],
)
async def test_carbon_project_create_refuses_bad_fields_and_writes_nothing(
    admin: GraphQLClient, db: Database, override: dict[str, Any], field: list[str], code: str
) -> None:
    before = await counts(db)

    errors = await refused(
        admin, PROJECT_CREATE, "carbonProjectCreate", input=project_input(**override)
    )

    assert errors == [(["input", *field], code)]
    assert await counts(db) == before


@pytest.mark.parametrize(
    ("taken", "field"),
    [
        ({"slug": "kenya-agroforestry"}, "slug"),
        ({"registry_project_id": "VCS4242", "issuing_registry": models.Registry.VERRA},
         "registryProjectId"),
    ],
)  # fmt: skip
async def test_carbon_project_create_with_a_taken_key_is_already_exists(
    admin: GraphQLClient, db: Database, taken: dict[str, Any], field: str
) -> None:
    await make_project(db, **taken)
    before = await counts(db)

    errors = await refused(admin, PROJECT_CREATE, "carbonProjectCreate", input=project_input())

    assert errors == [(["input", field], "ALREADY_EXISTS")]
    assert await counts(db) == before


async def test_the_same_registry_id_in_another_registry_is_another_project(
    admin: GraphQLClient, db: Database
) -> None:
    await make_project(db, registry_project_id="VCS4242", issuing_registry=models.Registry.VERRA)

    payload = (await admin.data(PROJECT_CREATE, input=project_input(registry="GOLD_STANDARD")))[
        "carbonProjectCreate"
    ]

    assert payload["userErrors"] == []


async def test_carbon_project_update_checks_the_row_as_it_would_be(
    admin: GraphQLClient, db: Database
) -> None:
    project = await make_project(
        db,
        slug="arr-project",
        project_type=models.ProjectType.ARR,
        status=models.ProjectStatus.LISTED,
    )

    clash = await refused(
        admin,
        PROJECT_UPDATE,
        "carbonProjectUpdate",
        input={"id": gid("CarbonProject", project), "projectType": "REDD_PLUS"},
    )
    fine = (
        await admin.data(
            PROJECT_UPDATE,
            input={"id": gid("CarbonProject", project), "status": "REGISTERED", "labels": ["X"]},
        )
    )["carbonProjectUpdate"]

    assert clash == [(["input", "projectType"], "INVALID_INPUT")]
    assert fine["userErrors"] == []
    read = (await admin.data(PROJECT_BY_SLUG, slug="arr-project"))["carbonProject"]
    assert (read["projectType"], read["status"], read["labels"]) == ("ARR", "REGISTERED", ["X"])


# Who may call what


def admin_calls(company: models.Company) -> list[tuple[str, str, dict[str, Any]]]:
    own = gid("Company", company)
    return [
        (COMPANY_CREATE, "companyCreate", company_input()),
        (COMPANY_UPDATE, "companyUpdate", {"id": own, "name": "Mine now"}),
        (SIGNATURE_RECORD, "signatureRecord", {"companyId": own, "signedOn": "2021-04-21"}),
        (CERTIFICATION_CREATE, "certificationCreate", certification_input()),
        (
            CERTIFICATION_UPDATE,
            "certificationUpdate",
            {"id": to_base64("Certification", 1), "name": "X"},
        ),
        (PRODUCT_CREATE, "productCreate", product_input()),
        (PRODUCT_UPDATE, "productUpdate", {"id": to_base64("Product", 1), "title": "X"}),
        (PROJECT_CREATE, "carbonProjectCreate", project_input()),
        (PROJECT_UPDATE, "carbonProjectUpdate", {"id": to_base64("CarbonProject", 1), "name": "X"}),
    ]


@pytest.mark.parametrize("role", [Role.ANONYMOUS, Role.PARTNER])
@pytest.mark.parametrize("call", range(9))
async def test_only_admins_may_change_the_catalogue(
    gql: GraphQLClient, db: Database, role: Role, call: int
) -> None:
    company = await make_company(db, name="Partner Co")
    viewer = Viewer(role=role, company_id=company.id if role is Role.PARTNER else None)
    document, name, variables = admin_calls(company)[call]
    before = await counts(db)

    result = await gql.as_viewer(viewer).execute(document, input=variables)

    assert result.data == {name: None}
    assert [error.formatted["extensions"]["code"] for error in result.errors or []] == ["FORBIDDEN"]
    assert await counts(db) == before
    assert (await gql.data(COMPANY_BY_SLUG, slug=company.slug))["company"]["name"] == "Partner Co"


def test_the_permission_matrix_covers_every_catalogue_mutation() -> None:
    fields = get_object_definition(CatalogueMutations, strict=True).fields
    company = models.Company(id=1, slug="x", name="x", sector="Retail", hq_country="US")
    assert sorted(name for _, name, _ in admin_calls(company)) == sorted(
        to_camel_case(field.python_name) for field in fields
    )


async def test_an_admin_puts_a_project_on_offer_and_takes_it_off(
    admin: GraphQLClient, db: Database
) -> None:
    project = await make_project(db, slug="on-offer")
    project_id = gid("CarbonProject", project)

    priced = (await admin.data(PROJECT_UPDATE, input={"id": project_id, "offerPrice": "25.5"}))[
        "carbonProjectUpdate"
    ]
    withdrawn = (await admin.data(PROJECT_UPDATE, input={"id": project_id, "offerPrice": None}))[
        "carbonProjectUpdate"
    ]

    assert priced["carbonProject"]["offerPrice"] == {"amount": "25.50", "currency": "USD"}
    assert withdrawn["carbonProject"]["offerPrice"] is None
