// Calls of the main operations through the typed client, as an integrator writes them. It must
// typecheck (tests/api-typed-client.test.ts runs tsc on it) and run against a real server (the
// same test), so the generated types and the server's answers agree.
import type { components, GatehouseClient } from "./index";

type Problem = components["schemas"]["Problem"];

function fail(what: string, error: Problem | undefined): never {
  throw new Error(`${what}: ${error ? `${error.status} ${error.code}: ${error.detail}` : "no body"}`);
}

export async function exerciseApi(gh: GatehouseClient, receiverUrl: string) {
  const type = await gh.POST("/api/v1/event-types", { body: { name: "invoice.paid", description: "An invoice was paid" } });
  if (!type.data) fail("create event type", type.error);

  const endpoint = await gh.POST("/api/v1/endpoints", {
    body: { name: "Billing service", url: receiverUrl, event_types: ["invoice.paid"] },
    params: { header: { "Idempotency-Key": "create-billing-endpoint" } },
  });
  if (!endpoint.data) fail("create endpoint", endpoint.error);
  const endpointId: string = endpoint.data.id;
  const secret: string | null = endpoint.data.secret; // null only in an Idempotency-Key replay

  const sent: { id: string; deliveries: number }[] = [];
  for (const n of [1, 2, 3]) {
    const event = await gh.POST("/api/v1/events", { body: { type: "invoice.paid", data: { invoice_id: `in_${n}`, amount: n * 100 }, id: `invoice-${n}-paid` } });
    if (!event.data) fail("send event", event.error);
    sent.push({ id: event.data.id, deliveries: event.data.deliveries });
  }

  // The call from issue 13 that did not typecheck while `limit` was undeclared.
  const page = await gh.GET("/api/v1/events", { params: { query: { limit: 2 } } });
  if (!page.data) fail("list events", page.error);
  const firstPage: { id: string; type: string; data: Record<string, unknown> }[] = page.data.data;
  const cursor: string | null = page.data.next_cursor;
  const rest = cursor ? await gh.GET("/api/v1/events", { params: { query: { limit: 2, cursor } } }) : undefined;

  const one = await gh.GET("/api/v1/events/{id}", { params: { path: { id: sent[0]!.id } } });
  if (!one.data) fail("get event", one.error);
  const deliveryStatuses: ("pending" | "held" | "succeeded" | "failed")[] = one.data.deliveries.map((d) => d.status);

  const deliveries = await gh.GET("/api/v1/deliveries", { params: { query: { limit: 10, endpoint_id: endpointId } } });
  if (!deliveries.data) fail("list deliveries", deliveries.error);

  const missing = await gh.GET("/api/v1/events/{id}", { params: { path: { id: "evt_does_not_exist" } } });
  const notFound: Problem | undefined = missing.error;

  const refused = await gh.POST("/api/v1/events", { body: { type: "invoice.paid", data: {}, ...({ unknown_field: 1 } as object) } as never });

  return {
    endpointId,
    secret,
    sent,
    firstPage,
    cursor,
    secondPage: rest?.data?.data ?? [],
    deliveryStatuses,
    deliveries: deliveries.data.data,
    notFound: { status: missing.response.status, problem: notFound },
    refused: { status: refused.response.status, problem: refused.error },
  };
}
