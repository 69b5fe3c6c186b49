from __future__ import annotations

from pydantic import BaseModel, Field

from models.schema import bound_schema


class Inner(BaseModel):
    note: str
    mood: str = Field(max_length=10)


class Outer(BaseModel):
    names: list[str]
    inner: Inner
    many: list[Inner] = Field(max_length=2)


def test_every_string_and_array_gets_a_bound_and_explicit_bounds_stay() -> None:
    schema = bound_schema(Outer.model_json_schema(), max_string=50, max_items=4)
    assert schema["properties"]["names"]["maxItems"] == 4
    assert schema["properties"]["names"]["items"]["maxLength"] == 50
    assert schema["properties"]["many"]["maxItems"] == 2
    inner = schema["$defs"]["Inner"]["properties"]
    assert inner["note"]["maxLength"] == 50
    assert inner["mood"]["maxLength"] == 10


def test_original_schema_is_not_modified() -> None:
    original = Outer.model_json_schema()
    bound_schema(original)
    assert "maxItems" not in original["properties"]["names"]
