"""Reading templates on behalf of a service: another service's template does not exist for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tidings.domain.errors import NotFound
from tidings.domain.models import Template, TemplateType
from tidings.domain.templates.render import Rendered, render
from tidings.ports import TemplateStore

MAX_VERSION = 2**31 - 1  # Notify keeps versions in a Postgres integer: beyond it, its DataError is a 404


def get_template(store: TemplateStore, service_id: str, template_id: str, version: int | None = None) -> Template:
    template = store.get(template_id, version or None)  # Notify treats version 0 as "latest"
    if template is None or template.service_id != service_id:
        raise NotFound()
    return template


# Notify sorts by name, then by its template_type, a Postgres enum: in the order it declares them.
TYPE_ORDER = ("sms", "email", "letter")


def list_templates(store: TemplateStore, service_id: str, template_type: TemplateType | None = None) -> list[Template]:
    templates = [
        t
        for t in store.list_for_service(service_id)
        if not t.archived and (template_type is None or t.type == template_type)
    ]
    return sorted(templates, key=lambda t: (t.name, TYPE_ORDER.index(t.type)))


def preview_template(
    store: TemplateStore, service_id: str, template_id: str, personalisation: Mapping[str, Any]
) -> tuple[Template, Rendered]:
    template = get_template(store, service_id, template_id)
    return template, render(template, personalisation)
