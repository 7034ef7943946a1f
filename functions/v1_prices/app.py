"""GET /v1/prices/{type}[?countryCode=ISO3] and GET /v1/prices/sms/supported-countries (no auth)."""

from __future__ import annotations

from typing import Any

from tidings.api.entry import http_entry
from tidings.api.notifea_v1.gate import throttle
from tidings.api.notifea_v1.requests import PriceQuery, parse_query
from tidings.api.notifea_v1.resolver import v1_resolver
from tidings.api.notifea_v1.views import ok
from tidings.domain.errors import Refused
from tidings.domain.rates import rate_table
from tidings.domain.v1_sms import UNSUPPORTED_COUNTRY

app = v1_resolver(authenticated=False)


@app.get("/v1/prices/sms/supported-countries", middlewares=[throttle])
def supported_countries() -> dict[str, Any]:
    countries = sorted(rate_table().countries, key=lambda c: c.name)
    listed = [{"id": c.id, "nice_name": c.name, "iso3": c.iso3} for c in countries]
    return ok({"data": listed, "metadata": []})


@app.get("/v1/prices/<price_type>", middlewares=[throttle])
def price(price_type: str) -> dict[str, Any]:
    if price_type != "sms":
        raise Refused("price.type.not.supported", "Prices are only available for sms.", fields=["type"])
    table = rate_table()
    code = parse_query(app, PriceQuery).countryCode
    if code is None:
        return ok({"value": str(max(table.price(c) for c in table.countries))})
    country = table.by_iso3(code.upper())
    if country is None:
        raise Refused("sms.country.not.supported", UNSUPPORTED_COUNTRY, fields=["recipient"])
    return ok({"value": str(table.price(country))})


lambda_handler = http_entry(app)
