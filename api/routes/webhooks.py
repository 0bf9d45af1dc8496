"""``POST``/``GET /v1/webhooks``, ``DELETE /v1/webhooks/{id}`` and
``GET /v1/webhooks/{id}/deliveries``: an athlete's own webhooks (their key) or a team's (the
key of one of its coaches, ``team_id``); anything else is 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from readiness.api.deps import CallerDep, PaginationDep, SettingsDep, UnitOfWorkDep
from readiness.api.routes.problems import problems
from readiness.api.schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryPublic,
    WebhookPublic,
    page_of,
)
from readiness.api.services.webhooks.subscriptions import (
    caller_webhooks,
    create_webhook,
    delete_webhook,
    deliveries_page,
    owner_for,
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
        "refused (422) unless the operator allows them. With `team_id` (a team you coach, "
        "with your coach key) the webhook is the team's: it hears the events of the team's "
        "current members, each carrying no more than the triage shows."
    ),
    responses=problems(401, 403, 404, 422),
)
def post_webhook(
    body: WebhookCreate, caller: CallerDep, work: UnitOfWorkDep, settings: SettingsDep
) -> WebhookCreated:
    hook = create_webhook(
        work,
        owner_for(work, caller, body.team_id),
        url=body.url,
        events=list(body.events),
        allowed=settings.webhook_allow_private,
    )
    return WebhookCreated.model_validate(hook)


@router.get(
    "",
    summary="Your webhooks (a coach: those of their teams, or of one with team_id)",
    response_model=WebhookList,
    responses=problems(401, 403, 404, 422),
)
def list_webhooks(
    caller: CallerDep,
    work: UnitOfWorkDep,
    team_id: Annotated[int | None, Query(description="only this team's (you coach it)")] = None,
) -> object:
    hooks = [WebhookPublic.model_validate(h) for h in caller_webhooks(work, caller, team_id)]
    return {"data": hooks, "count": len(hooks)}


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a webhook and its delivery log (deliveries not yet sent are dropped)",
    response_class=Response,
    responses=problems(401, 403, 404, 422),
)
def remove_webhook(webhook_id: WebhookId, caller: CallerDep, work: UnitOfWorkDep) -> Response:
    delete_webhook(work, caller, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{webhook_id}/deliveries",
    summary="The webhook's deliveries, newest first, each with its attempts",
    response_model=DeliveryPage,
    responses=problems(401, 403, 404, 422),
)
def list_deliveries(
    webhook_id: WebhookId, caller: CallerDep, work: UnitOfWorkDep, page: PaginationDep
) -> object:
    rows, count = deliveries_page(work, caller, webhook_id, limit=page.limit, offset=page.offset)
    return {"data": [WebhookDeliveryPublic.model_validate(r) for r in rows], "count": count}
