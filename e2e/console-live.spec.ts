// Live state that is true (issue 14): lists labelled live follow the server within 2 s without a
// reload. After Resume, Held goes away; an event sent elsewhere (the API) appears on an open
// endpoint page; the Failed view does not claim "Everything arrived" while a delivery is still
// being attempted; the paused banner calls held deliveries held, not failed; and a deleted
// incoming webhook's messages panel stops polling (no 404s).
import type { APIRequestContext, Page } from "@playwright/test";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

type DeliveryJson = { id: string; status: string; attempts: number };

// The live interval is 2 s; a little slack for the request itself and rendering.
const LIVE = { timeout: 3_500 };

async function setUp(request: APIRequestContext, origin: string, url: string, extra: Record<string, unknown> = {}) {
  const type = `e2e_live.t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const et = await request.post("/api/v1/event-types", { headers: { origin }, data: { name: type, description: "Live e2e" } });
  expect(et.status(), await et.text()).toBe(201);
  const ep = await request.post("/api/v1/endpoints", {
    headers: { origin },
    data: { name: uniqueName("Live e2e"), url: `${url}/hook`, event_types: [type], ...extra },
  });
  expect(ep.status(), await ep.text()).toBe(201);
  const endpoint = (await ep.json()) as { id: string; name: string };
  return { type, endpoint };
}

async function sendEvent(request: APIRequestContext, origin: string, type: string) {
  const res = await request.post("/api/v1/events", { headers: { origin }, data: { type, data: { n: Math.random() } } });
  expect(res.status(), await res.text()).toBe(202);
}

async function deliveriesOf(request: APIRequestContext, endpointId: string) {
  const res = await request.get(`/api/v1/deliveries?endpoint_id=${encodeURIComponent(endpointId)}&limit=100`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { data: DeliveryJson[] }).data;
}

async function setStatus(request: APIRequestContext, origin: string, id: string, status: "PAUSED" | "ACTIVE") {
  const res = await request.patch(`/api/v1/endpoints/${id}`, { headers: { origin }, data: { status } });
  expect(res.status(), await res.text()).toBe(200);
}

const deliveriesTable = (page: Page) => page.getByRole("tabpanel", { name: "All" }).getByRole("table", { name: "Deliveries" });

test("endpoint page: Resume clears Held within 2 s, and an event sent through the API appears without a reload", async ({
  page,
  receiver,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const { type, endpoint } = await setUp(page.request, origin, receiver.url);
  await setStatus(page.request, origin, endpoint.id, "PAUSED");
  await sendEvent(page.request, origin, type);
  await expect.poll(async () => (await deliveriesOf(page.request, endpoint.id))[0]?.status).toBe("held");

  await page.goto(`/settings/organization/webhooks/endpoints/${endpoint.id}`);
  const table = deliveriesTable(page);
  await expect(table.getByText("Held", { exact: true })).toHaveCount(1);

  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByRole("button", { name: "Pause", exact: true })).toBeVisible();
  await expect(table.getByText("Held", { exact: true })).toHaveCount(0, LIVE);
  await expect(table.getByText("Succeeded", { exact: true })).toHaveCount(1, { timeout: 10_000 });

  // Nothing pending now; an event sent elsewhere still shows up.
  await sendEvent(page.request, origin, type);
  await expect(table.getByRole("row")).toHaveCount(3, LIVE); // header + 2
  await expect.poll(() => receiver.requests.length).toBe(2);
});

test("the Failed view does not say everything arrived while a delivery is still being attempted", async ({
  page,
  receiver,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  // The receiver takes 20 s to answer: the first attempt stays in flight meanwhile.
  receiver.respondWith(() => ({ status: 500, delayMs: 20_000 }));
  const { type, endpoint } = await setUp(page.request, origin, receiver.url, { timeout_seconds: 30 });
  await sendEvent(page.request, origin, type);
  await receiver.waitFor(1);

  await page.goto(`/settings/organization/webhooks/endpoints/${endpoint.id}`);
  await page.getByRole("tab", { name: "Failed" }).click();
  const panel = page.getByRole("tabpanel", { name: "Failed" });
  await expect(panel).toContainText("No failed deliveries");
  await expect(panel).toContainText("1 delivery is still being attempted");
  await expect(panel.getByText(/Everything arrived/)).toHaveCount(0);
  await page.request.delete(`/api/v1/endpoints/${endpoint.id}`, { headers: { origin } });
});

test("the paused banner calls held deliveries held; failed attempts are counted as attempts", async ({ page, receiver, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  receiver.respondWith(() => ({ status: 500 }));
  const { type, endpoint } = await setUp(page.request, origin, receiver.url);
  await sendEvent(page.request, origin, type);
  // Two failed attempts of one delivery, then a pause: its next retry is held.
  await expect.poll(async () => (await deliveriesOf(page.request, endpoint.id))[0]?.attempts ?? 0, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  await setStatus(page.request, origin, endpoint.id, "PAUSED");
  await expect.poll(async () => (await deliveriesOf(page.request, endpoint.id))[0]?.status, { timeout: 15_000 }).toBe("held");

  await page.goto(`/settings/organization/webhooks/endpoints/${endpoint.id}`);
  const banner = page.getByRole("status").filter({ hasText: "Paused" });
  await expect(banner).toContainText("1 delivery held");
  await expect(banner).not.toContainText("failed");
  // One delivery held after failed attempts is not "the last N deliveries failed".
  await expect(page.getByText(/The last \d+ deliver(y|ies)/)).toHaveCount(0);
  await expect(page.getByText(/failed attempts? in a row/)).toBeVisible();
  await page.request.delete(`/api/v1/endpoints/${endpoint.id}`, { headers: { origin } });
});

test("a deleted incoming webhook's messages panel stops polling: no 404s", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const name = uniqueName("Live inbound");
  const res = await page.request.post("/api/v1/inbound-webhooks", { headers: { origin }, data: { name, handler: "store" } });
  expect(res.status(), await res.text()).toBe(201);
  const { id } = (await res.json()) as { id: string };

  const notFound: string[] = [];
  page.on("response", (r) => {
    if (r.status() === 404 && r.url().includes("/api/v1/")) notFound.push(r.url());
  });
  await page.goto(`/settings/organization/webhooks?tab=incoming&inbound=${id}`);
  await expect(page.locator("#inbound-messages-title")).toBeVisible();

  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Delete", exact: true }).click();
  const del = page.getByRole("alertdialog", { name: `Delete ${name}?` });
  await del.getByRole("textbox").fill(name);
  await del.getByRole("button", { name: "Delete webhook" }).click();
  await expect(del).toBeHidden({ timeout: 15_000 });
  await expect(page.getByRole("row").filter({ hasText: name })).toHaveCount(0);
  // Longer than two poll intervals of the messages panel.
  await page.waitForTimeout(7_000);
  expect(notFound).toEqual([]);
});
