/**
 * The assignee list's write path, as OrderAssigneeListSerializer runs it: each item's
 * fields and the status-dependent read-only rules (a 400 listing one object per item),
 * then the order's status (409), then the list's rules (one lead in draft; no deletions
 * after draft), then add, update and (with `force-delete=1`) delete.
 */
import { z } from "@hono/zod-openapi";
import type { Db } from "../db/pool.ts";
import { ApiError, type FieldErrors, nonFieldError, zodToFieldErrors } from "../http/errors.ts";
import { doesNotExist } from "../core/references.ts";
import { integerField, nestedRef } from "../http/schemas.ts";
import { recordWrite, type WriteMeta } from "../core/tracking.ts";
import { recordChanges } from "../core/change_feed.ts";
import * as q from "./queries.ts";
import { updatePricing } from "./quotes.ts";
import { type Notices, notifyAdvisers } from "./notifications.ts";
import { checkStatus, messages, OPEN_STATUSES, type OrderStatus, pythonType } from "./rules.ts";

const assigneeItem = z.object({
  adviser: nestedRef(),
  estimated_time: integerField({ min: 0 }),
  actual_time: integerField({ min: 0 }).nullable(),
  is_lead: z.boolean(),
}).partial({ estimated_time: true, actual_time: true, is_lead: true });
type AssigneeItem = z.output<typeof assigneeItem>;

/** Fields an item may not carry (any non-blank value) in each status. */
const READONLY_BY_STATUS: [keyof AssigneeItem, readonly OrderStatus[]][] = [
  ["actual_time", ["draft", "quote_awaiting_acceptance", "quote_accepted"]],
  ["estimated_time", ["quote_awaiting_acceptance", "quote_accepted", "paid"]],
  ["is_lead", ["quote_awaiting_acceptance", "quote_accepted", "paid"]],
];

export const assigneeMessages = {
  oneLead: "Only one lead allowed.",
  noDeletion: "You cannot delete any assignees at this stage.",
};

/** Each item parsed, or its errors (DRF's per-item list). */
async function parseItems(db: Db, body: unknown[], status: OrderStatus) {
  const items: (AssigneeItem | null)[] = [];
  const errors: FieldErrors[] = [];
  for (const raw of body) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      items.push(null);
      errors.push({
        non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType(raw)}.`],
      });
      continue;
    }
    const parsed = assigneeItem.safeParse(raw);
    items.push(parsed.success ? parsed.data : null);
    errors.push(parsed.success ? {} : zodToFieldErrors(parsed.error.issues));
  }
  const ids = items.flatMap((item) => (item ? [item.adviser] : []));
  const known = await q.existingAdvisers(db, ids);
  items.forEach((item, i) => {
    if (!item) return;
    if (!known.has(item.adviser)) {
      errors[i] = { adviser: [doesNotExist(item.adviser)] };
      items[i] = null;
      return;
    }
    for (const [field, statuses] of READONLY_BY_STATUS) {
      const value = item[field];
      if (statuses.includes(status) && value !== undefined && value !== null) {
        errors[i][field] = [messages.readonly];
      }
    }
  });
  return { items: items as AssigneeItem[], errors };
}

export async function patchAssignees(
  db: Db,
  order: q.OrderRow,
  body: unknown,
  forceDelete: boolean,
  meta: WriteMeta,
  notices: Notices,
) {
  if (!Array.isArray(body)) {
    throw nonFieldError(`Expected a list of items but got type "${pythonType(body)}".`);
  }
  const { items, errors } = await parseItems(db, body, order.status);
  if (errors.some((e) => Object.keys(e).length)) throw new ApiError(400, errors);
  checkStatus(order.status, OPEN_STATUSES);

  const existing = await q.listAssigneeRows(db, order.id);
  const byAdviser = new Map(items.map((item) => [item.adviser, item]));
  if (order.status === "draft") {
    const leads = new Set<string>();
    for (const [adviserId, item] of byAdviser) {
      const stored = existing.find((a) => a.adviser_id === adviserId);
      if (item.is_lead ?? stored?.is_lead ?? false) leads.add(adviserId);
    }
    if (!forceDelete) {
      for (const a of existing) {
        if (a.is_lead && !byAdviser.has(a.adviser_id)) leads.add(a.adviser_id);
      }
    }
    if (leads.size > 1) throw nonFieldError(assigneeMessages.oneLead);
  }
  if (order.status !== "draft" && forceDelete) throw nonFieldError(assigneeMessages.noDeletion);

  const removed: string[] = [];
  for (const stored of existing) {
    const item = byAdviser.get(stored.adviser_id);
    if (!item) {
      if (forceDelete) {
        await q.deleteAssignee(db, stored.id);
        removed.push(stored.adviser_id);
      }
      continue;
    }
    const changes: Record<string, unknown> = {};
    for (const field of ["estimated_time", "actual_time", "is_lead"] as const) {
      if (item[field] !== undefined && item[field] !== stored[field]) changes[field] = item[field];
    }
    if (Object.keys(changes).length) {
      await q.updateAssignee(db, stored.id, {
        ...changes,
        modified_on: meta.at,
        modified_by_id: meta.userId,
      });
    }
    byAdviser.delete(stored.adviser_id);
  }
  const added = [...byAdviser.keys()];
  let offset = 0;
  for (const item of byAdviser.values()) {
    await q.insertAssignee(db, order.id, item, meta.userId, meta.at, offset++);
  }
  if (await updatePricing(db, order.id)) {
    await q.updateOrder(db, order.id, { modified_on: meta.at });
    await recordWrite(db, q.orderEntity, order.id, meta);
  } else {
    // The order's search document lists its assignees.
    await recordChanges(db, [{ entity: q.orderEntity.entity, id: order.id }]);
  }
  await notifyAdvisers(db, notices, order.id, { added, removed, by: meta.userId });
}
