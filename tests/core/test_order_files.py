"""Order files: every hostile input is refused with its line, before anything is written."""

from __future__ import annotations

import json

import pytest

from wms_terminal.core.order_files import ImportFileError, parse_csv, parse_json

HEADER = "channel,external_id,currency,customer_name,ship_name,sku,qty,unit_price"


def _csv_problems(*rows: str, header: str = HEADER) -> list[str]:
    with pytest.raises(ImportFileError) as err:
        parse_csv("\n".join([header, *rows]) + "\n")
    return [str(p) for p in err.value.problems]


def test_good_csv_with_crlf_bom_and_quoted_newline_parses() -> None:
    content = HEADER + ",gift_message\r\n"
    content += 'web,A1,EUR,"Jansen, Ada",Ada,SKU-1,2,9.95,"Happy\r\nbirthday"\r\n'
    content += 'WEB,A1,EUR,"Jansen, Ada",Ada,SKU-2,1,1.00,"Happy\r\nbirthday"\r\n'
    [order] = parse_csv(content)
    assert (order.channel, order.external_id, order.customer_name) == ("web", "A1", "Jansen, Ada")
    assert [(ln.sku, ln.qty) for ln in order.lines] == [("SKU-1", 2), ("SKU-2", 1)]
    assert order.gift_message == "Happy\nbirthday"


@pytest.mark.parametrize(
    "row,expected",
    [
        ("web,A1,EUR,Ann,Ann,SKU-1,١٠,1.00", "qty '١٠' is not a whole number"),
        ("web,A1,EUR,Ann,Ann,SKU-1,1e3,1.00", "qty '1e3' is not a whole number"),
        ("web,A1,EUR,Ann,Ann,SKU-1,0,1.00", "qty must be 1 to 100000, not 0"),
        ("web,A1,EUR,Ann,Ann,SKU-1,1,1e30", "unit_price '1e30' is not an amount"),
        ("web,A1,EUR,Ann,Ann,SKU-1,1,1_0.00", "unit_price '1_0.00' is not an amount"),
        ("web,A1,EUR,Ann,Ann,SKU-1,1,NaN", "unit_price 'NaN' is not an amount"),
        ("web,A1,EUR,Ann,Ann,SKU-1,1,-5", "unit_price '-5' is not an amount"),
        ("web,A1,EUR,Ann,Ann,SKU-1,1,99999999999999.00", "is more than 1000000.00"),
        ("web,A1,EURO,Ann,Ann,SKU-1,1,1.00", "currency is longer than 3 characters"),
        ("web," + "X" * 81 + ",EUR,Ann,Ann,SKU-1,1,1.00", "external_id is longer than 80"),
        ("web,A1,EUR,An\x1b[31mn,Ann,SKU-1,1,1.00", "customer_name contains control characters"),
        ("web,A1,EUR,Ann,Ann,SKU-1,100000,1000000.00", "order total"),
    ],
)
def test_bad_values_are_named_with_their_line(row: str, expected: str) -> None:
    problems = _csv_problems(row)
    assert any(p.startswith("line 2:") and expected in p for p in problems), problems


def test_duplicate_header_is_refused() -> None:
    problems = _csv_problems(
        "web,A1,EUR,Ann,Ann,SKU-1,1,50,1.00", header=HEADER.replace("qty", "qty,qty")
    )
    assert any("named twice: 'qty'" in p for p in problems)


def test_same_order_in_two_spellings_must_agree() -> None:
    problems = _csv_problems("web,A1,EUR,Ann,Ann,SKU-1,1,1.00", "WEB,A1,GBP,Ann,Ann,SKU-2,1,1.00")
    assert any("line 3: currency differs from line 2" in p for p in problems)


def test_empty_and_header_only_files() -> None:
    with pytest.raises(ImportFileError, match="missing column"):
        parse_csv("")
    with pytest.raises(ImportFileError, match="no orders"):
        parse_csv(HEADER + "\n")


def _json_problems(doc: object | str) -> list[str]:
    text = doc if isinstance(doc, str) else json.dumps(doc)
    with pytest.raises(ImportFileError) as err:
        parse_json(text)
    return [str(p) for p in err.value.problems]


ORDER = {
    "channel": "web",
    "external_id": "J1",
    "currency": "EUR",
    "customer": {"name": "Ann"},
    "ship_to": {"name": "Ann"},
    "lines": [{"sku": "SKU-1", "qty": 1, "unit_price": "1.00"}],
}


def test_json_unknown_field_is_refused_not_ignored() -> None:
    problems = _json_problems({"orders": [{**ORDER, "shiping": "4.95"}]})
    assert problems == ["orders[0]: unknown field(s): 'shiping'"]


def test_json_monsters_are_refused_cleanly() -> None:
    assert "unreadable JSON" in _json_problems('{"orders": [' + "9" * 5000 + "]}")[0]
    assert "unreadable JSON" in _json_problems("[" * 100_000 + "]" * 100_000)[0]


def test_json_duplicates_are_refused() -> None:
    problems = _json_problems({"orders": [ORDER, {**ORDER, "channel": "WEB"}]})
    assert problems == ["orders[1]: duplicate of orders[0] (same channel and external id)"]


def test_the_customers_language_is_read_checked_and_lower_cased() -> None:
    [order] = parse_csv(HEADER + ",customer_language\nweb,A1,EUR,Ann,Ann,SKU-1,1,1.00,DE\n")
    assert order.customer_language == "de"
    [order] = parse_csv(HEADER + "\nweb,A1,EUR,Ann,Ann,SKU-1,1,1.00\n")
    assert order.customer_language == ""
    doc = {
        "orders": [
            {
                "channel": "web",
                "external_id": "J1",
                "currency": "EUR",
                "customer": {"name": "Jo", "language": "fr"},
                "ship_to": {"name": "Jo"},
                "lines": [{"sku": "SKU-1", "qty": 1, "unit_price": "1.00"}],
            }
        ]
    }
    [order] = parse_json(json.dumps(doc))
    assert order.customer_language == "fr"
    problems = _csv_problems(
        "web,A1,EUR,Ann,Ann,SKU-1,1,1.00,deutsch", header=HEADER + ",customer_language"
    )
    assert any("customer_language must be a two-letter code such as de" in p for p in problems)
