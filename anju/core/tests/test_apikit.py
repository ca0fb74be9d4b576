"""The API kit: paging, money, masked ID numbers, the one error handler, unique schema names."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Any

import pytest
from django.test import RequestFactory
from django.utils import translation
from ninja import NinjaAPI, Query, Router, Schema
from ninja.testing import TestClient

from anju.core.apikit import (
    ErrorOut,
    ImportErrorOut,
    Money,
    OptionalMoney,
    Paging,
    install_handlers,
    keep_schema,
    page_schema,
    paginate,
)
from anju.core.ids import MaskedId
from anju.core.models import User
from anju.lib.errors import DomainError
from anju.lib.tabular import ImportRejected, RowError


class DemoError(DomainError):
    prefix = "demo"


class Busy(DemoError):
    status = 409
    default_code = "busy"


class AmountOut(Schema):
    amount: Money
    maybe: OptionalMoney = None
    id_number: Annotated[str, MaskedId("registry")] = ""


router = Router()


@router.get("/numbers", response=page_schema(AmountOut, "DemoAmountPage"))
def numbers(request: Any, paging: Query[Paging]) -> dict[str, Any]:
    rows = [{"amount": Decimal(n) / 4, "maybe": None, "id_number": "431202198005170713"} for n in range(7)]
    return paginate(rows, paging)


@router.post("/refuse/{kind}", response={200: AmountOut, 400: ErrorOut, 409: ErrorOut, 422: ImportErrorOut})
def refuse(request: Any, kind: str) -> dict[str, Any]:
    if kind == "domain":
        raise DemoError("金额不能为负", code="negative", field="amount")
    if kind == "busy":
        raise Busy("正在生成中")
    if kind == "file":
        raise ImportRejected([RowError(3, "金额", "应为数字")])
    return {"amount": Decimal("1.5")}


def _client() -> TestClient:
    api = NinjaAPI(urls_namespace="kit-test")
    install_handlers(api)
    api.add_router("/", router)
    return TestClient(api)


def test_a_domain_error_is_a_400_with_its_stable_code_and_field() -> None:
    response = _client().post("/refuse/domain")
    assert response.status_code == 400
    assert response.json() == {"detail": "金额不能为负", "code": "demo.negative", "field": "amount"}


def test_an_error_class_may_answer_another_status() -> None:
    response = _client().post("/refuse/busy")
    assert response.status_code == 409
    assert response.json() == {"detail": "正在生成中", "code": "demo.busy"}


def test_a_rejected_file_lists_every_row_error() -> None:
    response = _client().post("/refuse/file")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import.rejected"
    assert body["errors"] == [{"row": 3, "column": "金额", "message": "应为数字"}]


def test_money_is_a_two_decimal_string_and_none_is_zero() -> None:
    assert AmountOut(amount=Decimal("1.5")).model_dump()["amount"] == "1.50"
    assert AmountOut(amount=None).model_dump()["amount"] == "0.00"  # type: ignore[arg-type]
    assert AmountOut(amount=Decimal(3), maybe=None).model_dump()["maybe"] is None
    assert AmountOut(amount=Decimal(3), maybe=Decimal("-2")).model_dump()["maybe"] == "-2.00"


def test_paging_counts_everything_and_returns_one_window() -> None:
    body = _client().get("/numbers?limit=3&offset=5").json()
    assert body["count"] == 7
    assert [row["amount"] for row in body["items"]] == ["1.25", "1.50"]


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1"])
def test_paging_out_of_range_is_refused(query: str) -> None:
    assert _client().get(f"/numbers?{query}").status_code == 422


def test_page_schema_is_one_class_per_name() -> None:
    assert page_schema(AmountOut, "DemoAmountPage") is page_schema(AmountOut, "DemoAmountPage")

    class OtherOut(Schema):
        x: int

    with pytest.raises(TypeError):
        page_schema(OtherOut, "DemoAmountPage")


@pytest.mark.django_db
def test_masked_id_follows_the_request_users_role(make_user: Any) -> None:
    number = "431202198005170713"
    row = AmountOut(amount=Decimal(1), id_number=number)
    request = RequestFactory().get("/")
    request.user = make_user("viewer", "office")
    assert row.model_dump(context={"request": request})["id_number"] == "431***********0713"
    request.user = make_user("leader_user", "leadership")
    assert User.objects.get(username="leader_user").can("registry", "see_id")
    assert row.model_dump(context={"request": request})["id_number"] == number
    # Without a request there is nobody to show the number to.
    assert row.model_dump()["id_number"] == "431***********0713"


def test_openapi_schema_names_are_unique_across_the_api() -> None:
    """ninja documents a schema by its class name, so two classes with one name would document one of them
    under the other's endpoints."""
    import anju.api  # noqa: F401  (loads every line's API)

    seen: dict[str, set[str]] = defaultdict(set)

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("anju.") and ".tests." not in sub.__module__:
                seen[sub.__name__].add(f"{sub.__module__}.{sub.__qualname__}")
            walk(sub)

    walk(Schema)
    clashes = {name: places for name, places in seen.items() if len(places) > 1}
    assert clashes == {}


@pytest.mark.django_db
def test_the_api_documents_the_error_and_page_schemas(client_for: Any) -> None:
    schema = json.loads(client_for("office").get("/api/openapi.json").content)
    components = schema["components"]["schemas"]
    assert {"ErrorOut", "ImportErrorOut"} <= set(components)
    assert components["PersonPage"]["properties"]["count"]["type"] == "integer"


@pytest.mark.django_db
@pytest.mark.parametrize(("offset", "shown"), [(0, 3), (2, 1), (3, 0), (10**9, 0)])
def test_a_window_past_the_lists_end_asks_the_database_for_no_rows(offset: int, shown: int) -> None:
    """The count is asked for; the window's rows only when the window starts before the last of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name in ("amy", "bob", "cyd"):
        User.objects.create_user(name)
    with CaptureQueriesContext(connection) as queries:
        page = paginate(User.objects.order_by("username"), Paging(limit=5, offset=offset))
    assert page["count"] == 3 and len(page["items"]) == shown
    assert len(queries) == (2 if offset < 3 else 1)
    with CaptureQueriesContext(connection) as queries:
        page = paginate(User.objects.filter(username="nobody"), Paging(limit=5, offset=0))
    assert page == {"count": 0, "items": []} and len(queries) == 1


def test_the_schema_is_built_once_for_each_path_prefix_and_language() -> None:
    schema_router = Router()

    @schema_router.get("/numbers", response=page_schema(AmountOut, "KeptAmountPage"))
    def kept_numbers(request: Any, paging: Query[Paging]) -> dict[str, Any]:
        return paginate([], paging)

    api = NinjaAPI(urls_namespace="kit-schema")
    api.add_router("/", schema_router)
    builds: list[dict[str, Any]] = []
    build = api.get_openapi_schema

    def counted(**kwargs: Any) -> Any:
        builds.append(kwargs)
        return build(**kwargs)

    api.get_openapi_schema = counted  # type: ignore[method-assign]
    keep_schema(api)
    first = api.get_openapi_schema(path_prefix="/api/")
    assert api.get_openapi_schema(path_prefix="/api/") is first
    assert len(builds) == 1 and "/api/numbers" in first["paths"]
    other = api.get_openapi_schema(path_prefix="/v2/")
    assert "/v2/numbers" in other["paths"] and "/v2/numbers" not in first["paths"]
    with translation.override("en"):
        api.get_openapi_schema(path_prefix="/api/")
    assert len(builds) == 3
    assert api.get_openapi_schema(path_prefix="/v2/") is other and len(builds) == 3


def test_the_kept_schema_follows_the_script_prefix() -> None:
    """Ninja reverses the API's root for the schema's paths: a site served under /anju/ and one at / get
    each their own (a kept schema keyed without the prefix gave the first one's paths to both)."""
    from django.urls import get_script_prefix, set_script_prefix

    from anju.api import api

    before = get_script_prefix()
    try:
        set_script_prefix("/anju/")
        under = api.get_openapi_schema()
        set_script_prefix("/")
        plain = api.get_openapi_schema()
    finally:
        set_script_prefix(before)
    assert under["paths"] and all(path.startswith("/anju/api/") for path in under["paths"])
    assert plain["paths"] and all(path.startswith("/api/") for path in plain["paths"])
