"""Refusals a buyer reads are in their words, not a validator's (issue 22)."""
from __future__ import annotations

import pytest

from tests.conftest import BUYER_ACME


@pytest.mark.parametrize("quantity", [0, 10_000_001, 99_999_999_999_999])
def test_a_quantity_out_of_range_is_refused_in_the_buyers_words(api, quantity):
    answer = api.as_(BUYER_ACME).post("/requests", {
        "sku": "DEMO-120", "quantity": quantity, "target_unit_price": "110.00", "currency": "USD"})
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"]["quantity"] == [
        "Enter at least 1 unit and at most 10,000,000 units."]
