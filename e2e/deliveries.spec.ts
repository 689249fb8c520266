// Deliveries in the console, end to end against the real executor (retry schedule shrunk to
// 1s,2s,3s): a receiver that answers 500 makes a delivery fail after 4 attempts; the Failed
// deliveries page shows it and its attempt timeline; the receiver recovers, Replay sends another
// signed attempt of the same delivery (the same webhook-id) that succeeds, and the Failed view no
// longer lists it; and "Replay all failed" reports how many it queued. An
// endpoint's page charts its outcomes, with totals that follow the deliveries as they happen.
import type { APIRequestContext } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

const FAILED_PAGE = "/settings/organization/webhooks/deliveries";

type DeliveryJson = { id: string; status: string; attempts: number; replay_of: string | null };

// Each test gets its own event type, and its endpoint subscribes to that type only, so events
// other specs send in parallel never reach this test's receiver.
async function setUp(request: APIRequestContext, origin: string, receiverUrl: string) {
  const type = `e2e_deliveries.t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const et = await request.post("/api/v1/event-types", {
    headers: { origin },
    data: { name: type, description: "Deliveries e2e" },
  });
  expect(et.status(), await et.text()).toBe(201);
  const ep = await request.post("/api/v1/endpoints", {
    headers: { origin },
    data: { name: uniqueName("Deliveries e2e"), url: `${receiverUrl}/hook`, event_types: [type] },
  });
  expect(ep.status(), await ep.text()).toBe(201);
  const endpoint = (await ep.json()) as { id: string; secret: string };
  return { type, endpoint };
}

async function sendEvent(request: APIRequestContext, origin: string, type: string, data: Record<string, unknown>) {
  const res = await request.post("/api/v1/events", { headers: { origin }, data: { type, data } });
  expect(res.status(), await res.text()).toBe(202);
}

async function deliveriesOf(request: APIRequestContext, endpointId: string) {
  const res = await request.get(`/api/v1/deliveries?endpoint_id=${encodeURIComponent(endpointId)}&limit=100`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { data: DeliveryJson[] }).data;
}

/** The local "YYYY-MM-DDTHH:mm" a datetime-local input takes. */
function localInput(d: Date) {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

test("a failing receiver: the delivery fails after 4 attempts, shows its timeline, and Replay succeeds once the receiver is up", async ({
  page,
  receiver,
  baseURL,
}) => {
  test.slow();
  const origin = new URL(baseURL!).origin;
  const { type, endpoint } = await setUp(page.request, origin, receiver.url);
  receiver.respondWith(() => ({ status: 500, body: '{"error":"receiver down"}', headers: { "content-type": "application/json" } }));

  await sendEvent(page.request, origin, type, { order: 42, note: "first" });
  const [first] = await deliveriesOf(page.request, endpoint.id);
  expect(first).toBeDefined();
  const deliveryId = first!.id;

  // ---- The Failed deliveries page; "All" shows the delivery live while it is retried ----
  // Filtered to this test's endpoint: other specs' deliveries never push its row off the page.
  await page.goto(`${FAILED_PAGE}?endpoint=${encodeURIComponent(endpoint.id)}`);
  await expect(page.getByRole("heading", { name: "Deliveries", level: 1 })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Failed", selected: true })).toBeVisible();
  await page.getByRole("tab", { name: "All" }).click();
  const row = page.getByRole("row").filter({ hasText: deliveryId });
  await expect(row).toBeVisible();
  await expect(row.getByRole("cell").nth(0)).toHaveText("Failed", { timeout: 45_000 });
  await expect(row.getByRole("cell").nth(4)).toHaveText("4");
  await expect(row.getByRole("cell").nth(5)).toHaveText("500");
  expect(receiver.requests).toHaveLength(4);

  // Under the Failed filter too, with the endpoint's name.
  await page.getByRole("tab", { name: "Failed" }).click();
  const failedRow = page.getByRole("row").filter({ hasText: deliveryId });
  await expect(failedRow).toContainText("Deliveries e2e");
  await expect(failedRow).toContainText(type);

  // ---- Its attempts as a timeline, each with request and response ----
  await failedRow.click();
  const dialog = page.getByRole("dialog", { name: "Delivery details" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("Failed", { exact: true })).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Copy delivery id" })).toBeVisible();
  const attempts = dialog.getByRole("list", { name: "Attempts" }).getByRole("listitem");
  await expect(attempts).toHaveCount(4);
  for (let i = 0; i < 4; i++) {
    await expect(attempts.nth(i)).toContainText(`Attempt ${i + 1}`);
    await expect(attempts.nth(i)).toContainText("500");
  }
  await attempts.nth(0).getByText("Request and response").click();
  const requestHeaders = attempts.nth(0).getByLabel("Request headers", { exact: true });
  // The webhook-id header is the delivery id.
  await expect(requestHeaders).toContainText(`webhook-id: ${deliveryId}`);
  await expect(requestHeaders).toContainText("webhook-signature: v1,");
  await expect(attempts.nth(0).getByLabel("Request body", { exact: true })).toContainText('"order": 42');
  await expect(attempts.nth(0).getByLabel("Response body", { exact: true })).toContainText('"error": "receiver down"');
  await attempts.nth(0).getByRole("button", { name: "Copy request body of attempt 1" }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(receiver.requests[0]!.body); // the exact bytes that were signed

  // ---- The receiver comes up; Replay sends attempt 5 of the same delivery, which succeeds ----
  receiver.respondWith(() => ({ status: 200, body: "ok" }));
  await dialog.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(page.getByText("Replay queued")).toBeVisible();
  await expect(dialog.getByText("Succeeded", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(attempts).toHaveCount(5);
  await expect(attempts.nth(4)).toContainText("200");
  await expect(attempts.nth(4)).toContainText(/Replayed by \S+/); // who asked, on the attempt itself

  const all = await deliveriesOf(page.request, endpoint.id);
  expect(all).toHaveLength(1); // no second record
  expect(all[0]).toMatchObject({ id: deliveryId, status: "succeeded", attempts: 5 });
  const received = await receiver.waitFor(5);
  const last = received[4]!;
  expect(last.headers["webhook-id"]).toBe(deliveryId);
  expect(last.headers["webhook-signature"]).toMatch(/^v1,/);
  // Signed with the endpoint's secret, as an independent verifier sees it.
  expect(() =>
    new Webhook(endpoint.secret).verify(last.body, {
      "webhook-id": String(last.headers["webhook-id"]),
      "webhook-timestamp": String(last.headers["webhook-timestamp"]),
      "webhook-signature": String(last.headers["webhook-signature"]),
    }),
  ).not.toThrow();

  // The Failed view no longer lists it; All shows it succeeded.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("row").filter({ hasText: deliveryId })).toHaveCount(0);
  await page.getByRole("tab", { name: "All" }).click();
  await expect(page.getByRole("row").filter({ hasText: deliveryId }).getByRole("cell").nth(0)).toHaveText("Succeeded");
});

test("Replay all failed since a chosen time reports the count and replays each failure once", async ({ page, receiver, baseURL }) => {
  test.slow();
  const startedAt = new Date(Date.now() - 60_000);
  const origin = new URL(baseURL!).origin;
  const { type, endpoint } = await setUp(page.request, origin, receiver.url);
  receiver.respondWith(() => ({ status: 503, body: "unavailable" }));
  await sendEvent(page.request, origin, type, { n: 1 });
  await sendEvent(page.request, origin, type, { n: 2 });

  await page.goto(`${FAILED_PAGE}?endpoint=${encodeURIComponent(endpoint.id)}`);
  await page.getByRole("tab", { name: "All" }).click();
  const mine = await deliveriesOf(page.request, endpoint.id);
  expect(mine).toHaveLength(2);
  for (const d of mine) {
    await expect(page.getByRole("row").filter({ hasText: d.id }).getByRole("cell").nth(0)).toHaveText("Failed", {
      timeout: 45_000,
    });
  }
  receiver.respondWith(() => ({ status: 204 }));

  await page.getByRole("button", { name: "Replay all failed" }).click();
  const dialog = page.getByRole("dialog", { name: "Replay all failed" });
  await dialog.getByRole("combobox", { name: "Failed since" }).click();
  await page.getByRole("option", { name: "A date and time…" }).click();
  const when = dialog.getByLabel("Date and time (your time zone)");
  await dialog.getByRole("button", { name: "Replay failed deliveries" }).click();
  await expect(dialog.getByText("Choose a date and time.")).toBeVisible();
  await when.fill(localInput(startedAt));
  await dialog.getByRole("button", { name: "Replay failed deliveries" }).click();

  // Other specs' failures in the same window may be replayed too, so the count is at least ours.
  const status = dialog.getByRole("status").filter({ hasText: /^Replayed \d+ deliver/ });
  await expect(status).toBeVisible({ timeout: 30_000 });
  const count = Number((await status.textContent())!.match(/Replayed (\d+)/)![1]);
  expect(count).toBeGreaterThanOrEqual(2);
  await expect(page.getByText(/^Replayed \d+ deliveries$/).first()).toBeVisible(); // the toast
  await dialog.getByRole("button", { name: "Done" }).click();

  // Each failure got one more attempt (the same delivery, the same webhook-id), and both arrive.
  await expect
    .poll(async () => (await deliveriesOf(page.request, endpoint.id)).filter((d) => d.status === "succeeded").length, { timeout: 30_000 })
    .toBe(2);
  const all = await deliveriesOf(page.request, endpoint.id);
  expect(new Set(all.map((d) => d.id))).toEqual(new Set(mine.map((d) => d.id)));
  // Each failed after 4 attempts (the e2e schedule); the replay was the 5th, to the same webhook-id.
  expect(all.map((d) => d.attempts)).toEqual([5, 5]);
  const ids = receiver.requests.map((r) => String(r.headers["webhook-id"]));
  for (const d of mine) expect(ids.filter((x) => x === d.id)).toHaveLength(5);

  // Asking again replays nothing new: each failure is replayed once.
  await page.getByRole("button", { name: "Replay all failed" }).click();
  await dialog.getByRole("combobox", { name: "Failed since" }).click();
  await page.getByRole("option", { name: "Last hour" }).click();
  await dialog.getByRole("button", { name: "Replay failed deliveries" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: /^Replayed/ })).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole("button", { name: "Done" }).click();
  expect((await deliveriesOf(page.request, endpoint.id)).length).toBe(2);
  expect((await deliveriesOf(page.request, endpoint.id)).map((d) => d.attempts)).toEqual(all.map((d) => d.attempts));
});

test("an endpoint's outcome chart totals its deliveries by outcome, per period, and follows a test event live", async ({
  page,
  receiver,
  baseURL,
}) => {
  test.slow();
  const origin = new URL(baseURL!).origin;
  const { type, endpoint } = await setUp(page.request, origin, receiver.url);
  const endpointPage = `/settings/organization/webhooks/endpoints/${endpoint.id}`;
  const chart = page.getByRole("region", { name: "Outcomes" });

  // ---- Nothing yet: the empty state ----
  await page.goto(endpointPage);
  await expect(chart.getByText("No deliveries in the last 24 hours")).toBeVisible();
  await expect(chart.getByRole("tab", { name: "24 hours", selected: true })).toBeVisible();

  // ---- Two events the receiver takes, one it refuses until the last retry ----
  receiver.respondWith((req) => (req.body.includes('"fail":true') ? { status: 500, body: "no" } : { status: 204 }));
  await sendEvent(page.request, origin, type, { n: 1 });
  await sendEvent(page.request, origin, type, { n: 2 });
  await sendEvent(page.request, origin, type, { n: 3, fail: true });
  await expect
    .poll(async () => (await deliveriesOf(page.request, endpoint.id)).map((d) => d.status).sort().join(","), { timeout: 45_000 })
    .toBe("failed,succeeded,succeeded");

  await page.reload();
  const summary = "Last 24 hours: 3 deliveries, 2 succeeded, 1 failed, 0 pending, 0 held.";
  await expect(chart.getByRole("figure", { name: summary })).toBeVisible();
  const totals = chart.getByRole("list", { name: "Totals" }).getByRole("listitem");
  await expect(totals).toHaveText(["Succeeded2", "Failed1", "Pending0", "Held0"]);
  await expect(chart.getByText("3 deliveries")).toBeVisible();
  await expect(chart.getByText("67% succeeded")).toBeVisible();
  // The screen-reader table: every hour of the window, and the totals.
  const table = chart.getByRole("table", { name: "Deliveries per hour by outcome, last 24 hours" });
  await expect(table.locator("tbody tr")).toHaveCount(24);
  await expect(table.locator("tfoot tr")).toHaveText("Total2100");
  // The drawing: succeeded and failed bar segments (one column, or two across an hour's turn), the
  // failed one's column titled with its range and counts.
  await expect(chart.locator('[data-outcome="succeeded"]').first()).toBeVisible();
  await expect(chart.locator('[data-outcome="failed"]')).toHaveCount(1);
  await expect(chart.locator("[data-bucket]").filter({ has: page.locator('[data-outcome="failed"]') })).toHaveAttribute("title", /: ([12] succeeded, )?1 failed$/);

  // ---- The same deliveries per day; the period toggle works from the keyboard ----
  await chart.getByRole("tab", { name: "24 hours" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(chart.getByRole("tab", { name: "7 days", selected: true })).toBeFocused();
  await expect(chart.getByRole("figure", { name: "Last 7 days: 3 deliveries, 2 succeeded, 1 failed, 0 pending, 0 held." })).toBeVisible();
  await expect(chart.getByRole("table", { name: "Deliveries per day by outcome, last 7 days" }).locator("tbody tr")).toHaveCount(7);

  // ---- A test event from the page shows up without a reload ----
  await page.getByRole("button", { name: "Send test event" }).click();
  const send = page.getByRole("dialog", { name: "Send test event" });
  await send.getByRole("button", { name: "Send test event" }).click();
  await expect(send).toBeHidden();
  await expect(chart.getByRole("figure", { name: "Last 7 days: 4 deliveries, 3 succeeded, 1 failed, 0 pending, 0 held." })).toBeVisible({
    timeout: 30_000,
  });
  await chart.getByRole("tab", { name: "24 hours" }).click();
  await expect(totals).toHaveText(["Succeeded3", "Failed1", "Pending0", "Held0"]);
});
