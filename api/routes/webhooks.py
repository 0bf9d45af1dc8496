"""``POST``/``GET /v1/webhooks``, ``DELETE /v1/webhooks/{id}`` and
``GET /v1/webhooks/{id}/deliveries``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from readiness.api.deps import CurrentAthlete, PaginationDep, SettingsDep, UnitOfWorkDep
from readiness.api.routes.problems import problems
from readiness.api.schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryPublic,
    WebhookPublic,
    page_of,
)
from readiness.api.services.webhooks.subscriptions import (
    create_webhook,
    delete_webhook,
    deliveries_page,
    webhooks_of,
)

__all__ = ["router"]

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
WebhookList = page_of(WebhookPublic, "WebhookList")
DeliveryPage = page_of(WebhookDeliveryPublic, "DeliveryPage")
WebhookId = Annotated[str, Path(max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add a webhook; its signing secret is shown once",
    description=(
        "Events: `upload.done`, `upload.failed`, `readiness.changed` (today's action "
        "changed), `gate.pain`, `gate.illness`. Each delivery is a JSON POST signed as "
        "Standard Webhooks do (`webhook-id`, `webhook-timestamp`, `webhook-signature`: "
        "`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` with the secret), retried with "
        "back-off until the receiver answers 2xx. URLs on loopback or private addresses are "
        "refused (422) unless the operator allows them."
    ),
    responses=problems(401, 422),
)
def post_webhook(
    body: WebhookCreate, athlete: CurrentAthlete, work: UnitOfWorkDep, settings: SettingsDep
) -> WebhookCreated:
    hook = create_webhook(
        work,
        athlete.id,
        url=body.url,
        events=list(body.events),
        allowed=settings.webhook_allow_private,
    )
    return WebhookCreated.model_validate(hook)


@router.get("", summary="Your webhooks", response_model=WebhookList, responses=problems(401, 422))
def list_webhooks(athlete: CurrentAthlete, work: UnitOfWorkDep) -> object:
    hooks = [WebhookPublic.model_validate(h) for h in webhooks_of(work, athlete.id)]
    return {"data": hooks, "count": len(hooks)}


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a webhook and its delivery log (deliveries not yet sent are dropped)",
    response_class=Response,
    responses=problems(401, 404, 422),
)
def remove_webhook(webhook_id: WebhookId, athlete: CurrentAthlete, work: UnitOfWorkDep) -> Response:
    delete_webhook(work, athlete.id, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{webhook_id}/deliveries",
    summary="The webhook's deliveries, newest first, each with its attempts",
    response_model=DeliveryPage,
    responses=problems(401, 404, 422),
)
def list_deliveries(
    webhook_id: WebhookId, athlete: CurrentAthlete, work: UnitOfWorkDep, page: PaginationDep
) -> object:
    rows, count = deliveries_page(
        work, athlete.id, webhook_id, limit=page.limit, offset=page.offset
    )
    return {"data": [WebhookDeliveryPublic.model_validate(r) for r in rows], "count": count}
