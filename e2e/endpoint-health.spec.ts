// Endpoint health and the circuit breaker in the console, against the real executor (retry
// schedule 1s,2s,3s; circuit opens after 20 failed attempts over more than one delivery): a
// healthy endpoint shows Healthy with its latency; a receiver that keeps answering 500 turns the
// endpoint Failing with its circuit open, the deliveries after it wait as Held with the reason,
// and the endpoints table shows Failing too.
import type { APIRequestContext } from "@playwright/test";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

async function setUp(request: APIRequestContext, origin: string, url: string, name: string) {
  const type = `e2e_health.t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const et = await request.post("/api/v1/event-types", { headers: { origin }, data: { name: type, description: "Health e2e" } });
  expect(et.status(), await et.text()).toBe(201);
  const ep = await request.post("/api/v1/endpoints", { headers: { origin }, data: { name: uniqueName(name), url, event_types: [type] } });
  expect(ep.status(), await ep.text()).toBe(201);
  return { type, endpoint: (await ep.json()) as { id: string; name: string } };
}

async function send(request: APIRequestContext, origin: string, type: string, n: number) {
  for (let i = 0; i < n; i++) {
    const res = await request.post("/api/v1/events", { headers: { origin }, data: { type, data: { i } } });
    expect(res.status(), await res.text()).toBe(202);
  }
}

test("a failing receiver opens the circuit: the endpoint shows Failing, deliveries wait as Held with the reason", async ({ page, receiver, baseURL }, info) => {
  test.slow();
  const origin = new URL(baseURL!).origin;
  receiver.respondWith((req) => (req.path === "/ok" ? { status: 200, delayMs: 40 } : { status: 500 }));
  const good = await setUp(page.request, origin, `${receiver.url}/ok`, "Healthy e2e");
  await send(page.request, origin, good.type, 3);
  const bad = await setUp(page.request, origin, `${receiver.url}/down`, "Failing e2e");
  await send(page.request, origin, bad.type, 8);

  // The API shows the circuit open once 20 attempts over the 8 deliveries have failed.
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/endpoints/${bad.endpoint.id}`)).json()).health.circuit.state, { timeout: 30_000 })
    .toBe("open");
  await send(page.request, origin, bad.type, 2); // these wait without an attempt

  await page.goto(`/settings/organization/webhooks/endpoints/${bad.endpoint.id}`);
  const health = page.getByRole("region", { name: "Health" });
  await expect(health).toBeVisible();
  await expect(health).toContainText("Failing");
  await expect(health).toContainText(/failed attempts in a row: new deliveries are held/);
  await expect(health.getByRole("row", { name: /Last hour/ })).toBeVisible();
  await expect(health).toContainText("Open");
  await expect(health).toContainText(/Gatehouse disables this endpoint at/);
  await page.getByRole("tab", { name: "Held" }).click().catch(() => {});
  await expect(page.getByText("Held").first()).toBeVisible();
  await page.screenshot({ path: info.outputPath("endpoint-failing.png"), fullPage: true });
  const held = (await (await page.request.get(`/api/v1/deliveries?endpoint_id=${bad.endpoint.id}&status=held&limit=100`)).json()).data as { held_reason: string }[];
  expect(held.length).toBeGreaterThanOrEqual(2);
  expect(held[0]!.held_reason).toContain("circuit open");

  await page.goto(`/settings/organization/webhooks/endpoints/${good.endpoint.id}`);
  const goodHealth = page.getByRole("region", { name: "Health" });
  await expect(goodHealth).toContainText("Healthy");
  await expect(goodHealth.getByRole("row", { name: /Last hour/ })).toContainText("100%");
  await page.screenshot({ path: info.outputPath("endpoint-healthy.png"), fullPage: true });

  await page.goto("/settings/organization/webhooks");
  await expect(page.getByRole("columnheader", { name: "Health" })).toBeVisible();
  const badRow = page.getByRole("row").filter({ hasText: bad.endpoint.name });
  await expect(badRow.getByText("Failing", { exact: true })).toBeVisible();
  const goodRow = page.getByRole("row").filter({ hasText: good.endpoint.name });
  await expect(goodRow.getByText("Healthy", { exact: true })).toBeVisible();
  await goodRow.getByText("Healthy", { exact: true }).focus();
  await expect(page.getByRole("tooltip")).toContainText(/Latency \(24 h\): p50 \d+ ms, p95 \d+ ms/);
  await page.screenshot({ path: info.outputPath("endpoints-table.png"), fullPage: true });
});
