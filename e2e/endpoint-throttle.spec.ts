// The endpoint page's throttle settings: rate limit, requests in flight and FIFO ordering are
// edited in the settings form, saved through PATCH /api/v1/endpoints/{id}, shown on the page and
// audited (lib/deliveries/endpoint-throttle.ts enforces them).
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

type EndpointJson = { id: string; rate_limit_per_second: number | null; max_in_flight: number; ordering: string };

test("throttle: set a rate, max in flight and FIFO on the endpoint page, then clear the rate", async ({ page, receiver, baseURL }) => {
  const name = uniqueName("Throttled hooks");
  const created = await page.request.post("/api/v1/endpoints", {
    data: { name, url: `${receiver.url}/throttled`, event_types: ["webhook.test"] },
    headers: { origin: new URL(baseURL!).origin },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as EndpointJson;
  await page.goto(`/settings/organization/webhooks/endpoints/${id}`);
  // The settings are folded under the deliveries.
  const openSettings = () => page.getByRole("button", { name: "Settings", exact: true }).click();
  await openSettings();
  const settings = page.getByRole("form", { name: "Endpoint settings" });
  await expect(settings.getByLabel("Rate limit (deliveries per second)")).toHaveValue("");
  await expect(settings.getByLabel("Max in flight")).toHaveValue("10");
  await settings.getByLabel("Rate limit (deliveries per second)").fill("0");
  await settings.getByRole("button", { name: "Save changes" }).click();
  await expect(settings.getByText("Leave blank for no limit, or a number from 0.01")).toBeVisible();
  await settings.getByLabel("Rate limit (deliveries per second)").fill("2.5");
  await settings.getByLabel("Max in flight").fill("2");
  await settings.getByRole("combobox", { name: "Ordering" }).click();
  await page.getByRole("option", { name: "FIFO, one at a time" }).click();
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/endpoints/${id}`) && r.request().method() === "PATCH");
  await settings.getByRole("button", { name: "Save changes" }).click();
  expect((await saved).status()).toBe(200);
  let body = (await (await page.request.get(`/api/v1/endpoints/${id}`)).json()) as EndpointJson;
  expect(body).toMatchObject({ rate_limit_per_second: 2.5, max_in_flight: 2, ordering: "fifo" });

  // What was saved is what the page shows after a reload; blank removes the rate limit.
  await page.reload();
  await openSettings();
  await expect(settings.getByLabel("Rate limit (deliveries per second)")).toHaveValue("2.5");
  await expect(settings.getByLabel("Max in flight")).toHaveValue("2");
  await expect(settings.getByRole("combobox", { name: "Ordering" })).toHaveText(/FIFO, one at a time/);
  await settings.getByLabel("Rate limit (deliveries per second)").fill("");
  const cleared = page.waitForResponse((r) => r.url().endsWith(`/api/v1/endpoints/${id}`) && r.request().method() === "PATCH");
  await settings.getByRole("button", { name: "Save changes" }).click();
  expect((await cleared).status()).toBe(200);
  body = (await (await page.request.get(`/api/v1/endpoints/${id}`)).json()) as EndpointJson;
  expect(body).toMatchObject({ rate_limit_per_second: null, max_in_flight: 2, ordering: "fifo" });

  // Audited: the change shows before and after.
  const audit = await page.request.get(`/api/v1/audit-events?action=endpoint.updated&target_id=${id}`);
  expect(audit.status()).toBe(200);
  const entries = ((await audit.json()) as { data: { after: Record<string, unknown> }[] }).data;
  expect(entries.some((e) => e.after.max_in_flight === 2 && e.after.ordering === "fifo")).toBe(true);
});
