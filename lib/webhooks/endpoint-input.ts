// Checks of endpoint input that need DNS or the database, reported on the wire's field names
// (`url`, `events[0]` or `event_types[0]`) together, as one 422.
import { AppError, describeFieldErrors, type FieldError } from "@/lib/api/errors";
import type { Tx } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { checkSubscribableEventTypes } from "@/lib/webhooks/event-types";
import { checkEndpointUrl } from "@/lib/webhooks/url-policy";

/** Field names as the caller's wire shape spells them. */
export type EndpointFieldNames = { url: string; eventTypes: string; headers: string };
export const ENDPOINTS_FIELDS: EndpointFieldNames = { url: "url", eventTypes: "event_types", headers: "headers_json" };
export const WEBHOOKS_FIELDS: EndpointFieldNames = { url: "url", eventTypes: "events", headers: "headers" };

export async function checkUrlField(url: string | undefined, environment: Environment, field: string): Promise<FieldError[]> {
  if (url === undefined) return [];
  const problem = await checkEndpointUrl(url, { environment });
  return problem ? [{ field, message: problem.message }] : [];
}

export async function assertEndpointInput(
  tx: Tx,
  opts: { orgId: string; environment: Environment; url?: string; eventTypes?: string[]; fields: EndpointFieldNames; urlErrors?: FieldError[] },
): Promise<void> {
  const errors = [
    ...(opts.urlErrors ?? []),
    ...(opts.eventTypes ? await checkSubscribableEventTypes(tx, opts.orgId, opts.environment, opts.eventTypes, opts.fields.eventTypes) : []),
  ];
  if (errors.length) throw new AppError("validation_failed", describeFieldErrors(errors), { errors });
}

export const uniqueNames = (names: string[]) => [...new Set(names)];
