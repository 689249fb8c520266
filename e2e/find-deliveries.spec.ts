// Finding any delivery: the deliveries page searches by exact id (delivery id = webhook-id,
// event id, the client's event id) and filters by endpoint, event type, status and time, all in
// the URL so a filtered view can be shared and reopened; the Events page lists events with their
// fan-out, and an event's page shows its payload and deliveries. Screens at 1440 and 390 px.
import type { APIRequestContext } from "@playwright/test";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

const PAGE = "/settings/organization/webhooks/deliveries";

async function setUp(request: APIRequestContext, origin: string, receiverUrl: string) {
  const type = `e2e_find.t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  expect((await request.post("/api/v1/event-types", { headers: { origin }, data: { name: type, description: "Find e2e" } })).status()).toBe(201);
  const endpoints: { id: string; name: string }[] = [];
  for (const label of ["Find A", "Find B"]) {
    const name = uniqueName(label);
    const r = await request.post("/api/v1/endpoints", { headers: { origin }, data: { name, url: `${receiverUrl}/hook`, event_types: [type] } });
    expect(r.status(), await r.text()).toBe(201);
    endpoints.push({ id: ((await r.json()) as { id: string }).id, name });
  }
  const clientId = `order-${Date.now().toString(36)}`;
  const ev = await request.post("/api/v1/events", { headers: { origin }, data: { type, data: { order: 7 }, id: clientId } });
  expect(ev.status(), await ev.text()).toBe(202);
  const eventId = ((await ev.json()) as { id: string }).id;
  const list = await request.get(`/api/v1/deliveries?event_id=${eventId}`);
  const deliveries = ((await list.json()) as { data: { id: string; endpoint_id: string }[] }).data;
  expect(deliveries).toHaveLength(2);
  return { type, endpoints, eventId, clientId, deliveries };
}

test("search by id and filter by endpoint and type; the URL keeps the filters; events show their fan-out", async ({ page, receiver, baseURL }) => {
  test.slow();
  const origin = new URL(baseURL!).origin;
  receiver.respondWith(() => ({ status: 204 }));
  const { type, endpoints, eventId, clientId, deliveries } = await setUp(page.request, origin, receiver.url);
  await receiver.waitFor(2, 30_000);
  const [one, two] = deliveries as [{ id: string; endpoint_id: string }, { id: string; endpoint_id: string }];

  // ---- Search by delivery id (the webhook-id a receiver logged): exactly that row, under All ----
  await page.goto(PAGE);
  await expect(page.getByRole("heading", { name: "Deliveries", level: 1 })).toBeVisible();
  await page.getByLabel("Delivery, event or webhook id").fill(one.id);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${one.id}`));
  await expect(page.getByRole("tab", { name: "All", selected: true })).toBeVisible();
  const table = page.getByRole("table", { name: "Deliveries" });
  await expect(table.getByRole("row").filter({ hasText: one.id })).toHaveCount(1);
  await expect(table.getByRole("row")).toHaveCount(2); // header + one
  await expect(table.getByRole("row").filter({ hasText: one.id }).getByRole("cell").nth(0)).toHaveText("Succeeded", { timeout: 30_000 });

  // By the client's own event id: both deliveries of the event.
  await page.getByLabel("Delivery, event or webhook id").fill(clientId);
  await page.keyboard.press("Enter");
  await expect(table.getByRole("row")).toHaveCount(3);

  // A prefix is not an id: nothing, with a way back.
  await page.getByLabel("Delivery, event or webhook id").fill(one.id.slice(0, -3));
  await page.keyboard.press("Enter");
  await expect(page.getByText("No deliveries match")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).first().click();
  await expect(page).toHaveURL(new RegExp(`${PAGE}\\?status=all$`)); // the tab shown stays

  // ---- Endpoint and event type selects; the link reopens the same view ----
  await page.goto(`${PAGE}?status=all`);
  await page.getByRole("combobox", { name: "Endpoint" }).click();
  await page.getByRole("option", { name: endpoints[1]!.name }).click();
  await expect(page).toHaveURL(new RegExp(`endpoint=${endpoints[1]!.id}`));
  await page.getByRole("combobox", { name: "Event type" }).click();
  await page.getByRole("option", { name: type }).click();
  await expect(page).toHaveURL(new RegExp(`type=${type.replace(".", "\\.")}`));
  const shared = page.url();
  const onlyB = deliveries.find((d) => d.endpoint_id === endpoints[1]!.id)!;
  await expect(table.getByRole("row").filter({ hasText: onlyB.id })).toHaveCount(1);
  await expect(table.getByRole("row")).toHaveCount(2);

  const other = await page.context().newPage();
  await other.goto(shared);
  await expect(other.getByRole("combobox", { name: "Endpoint" })).toHaveText(endpoints[1]!.name);
  await expect(other.getByRole("table", { name: "Deliveries" }).getByRole("row")).toHaveCount(2);
  await other.close();

  // ---- Events: the fan-out, then the event's page with payload and both deliveries ----
  await page.goto(`/settings/organization/webhooks/events?q=${eventId}`);
  const events = page.getByRole("table", { name: "Events" });
  const row = events.getByRole("row").filter({ hasText: type });
  await expect(row).toHaveCount(1);
  await expect(row.getByLabel("2 deliveries: 2 succeeded")).toBeVisible({ timeout: 30_000 });
  await row.getByRole("link", { name: type }).click();
  await expect(page).toHaveURL(new RegExp(`/webhooks/events/${eventId}$`));
  await expect(page.getByRole("heading", { name: `Event ${type}`, level: 1 })).toBeVisible();
  await expect(page.getByLabel("Event payload", { exact: true })).toContainText('"order": 7');
  const evDeliveries = page.getByRole("table", { name: "Deliveries" });
  for (const e of endpoints) await expect(evDeliveries.getByRole("row").filter({ hasText: e.name })).toHaveCount(1);
  // A delivery opens with its attempts, and links back to its event.
  await evDeliveries.getByRole("row").filter({ hasText: two.id }).click();
  const dialog = page.getByRole("dialog", { name: "Delivery details" });
  await expect(dialog.getByRole("link", { name: "Open event" })).toHaveAttribute("href", `/settings/organization/webhooks/events/${eventId}`);
  await page.keyboard.press("Escape");

  // The side nav has Deliveries and Events; only the page's own link is current.
  const nav = page.getByRole("navigation", { name: "Organization settings" });
  await expect(nav.getByRole("link", { name: "Events" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Webhooks" })).not.toHaveAttribute("aria-current", "page");

  // Screens to look at.
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [name, path] of [
      ["deliveries", `${PAGE}?status=all`],
      ["deliveries-filtered", shared],
      ["events", "/settings/organization/webhooks/events"],
      ["event", `/settings/organization/webhooks/events/${eventId}`],
    ] as const) {
      await page.goto(path);
      await page.waitForLoadState("networkidle").catch(() => undefined);
      await page.screenshot({ path: `test-results/console-shots/${name}-${width}.png`, fullPage: true });
    }
  }
});
