"""The API's OpenAPI schema names each input and output model once (issue 18, item 7): two models of the
same class name would share one component, and a client generated from the schema would send one line's
body to another's endpoint and get 422. Each operation's documented body and response are its own
models' schemas."""

from __future__ import annotations

import typing
from collections import defaultdict

import pydantic
import pytest

from anju.api import api


def _models(annotation: object, found: dict[str, set[type]], seen: set[type]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        if annotation.__module__ != "abc":  # ninja's own containers of an operation's parameters
            found[annotation.__name__].add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, found, seen)
    for argument in typing.get_args(annotation):
        _models(argument, found, seen)


def _operations() -> list[typing.Any]:
    return [
        op for _prefix, router in api._routers for view in router.path_operations.values() for op in view.operations
    ]


def test_no_two_models_of_the_api_share_a_name() -> None:
    found: dict[str, set[type]] = defaultdict(set)
    seen: set[type] = set()
    for operation in _operations():
        for model in (operation.response_models or {}).values():
            _models(model, found, seen)
        for model in operation.models:
            _models(model, found, seen)
    shared = {name: sorted(f"{m.__module__}.{m.__qualname__}" for m in models) for name, models in found.items()
              if len(models) > 1 and name != "NinjaResponseSchema"}  # fmt: skip
    assert not shared, shared


@pytest.mark.parametrize("path", ["/fund/use/applications", "/rental/households", "/petitions/cases"])
def test_a_body_documented_for_an_operation_is_its_own_model(path: str) -> None:
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    operation = schema["paths"][f"/api{path}"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    ninja_op = next(
        op for op in _operations() if (op.operation_id or api.get_openapi_operation_id(op)) == operation["operationId"]
    )
    body_models = [f.annotation for m in ninja_op.models for f in m.model_fields.values()]
    assert ref in components and any(getattr(m, "__name__", "") == ref for m in body_models)
    model = next(m for m in body_models if getattr(m, "__name__", "") == ref)
    assert set(components[ref]["properties"]) == set(model.model_json_schema()["properties"])
