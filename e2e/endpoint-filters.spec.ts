// Payload filters and bulk recovery in the console, end to end against the real executor (retry
// schedule 1s,2s,3s): the create form refuses a bad filter with its position, "Test against the
// last 20 events" lists which events would match, the saved filter lets only matching events
// through to the receiver; then, with the receiver failing, "Recover failed messages" counts the
// failures (a dry run), re-sends them on confirmation and shows the job's progress to the end.
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

const LIST = "/settings/organization/webhooks";

test("a payload filter on the create form, its preview, and recovering the failed messages it let through", async ({ page, receiver, baseURL }) => {
  test.slow();
  const origin = new URL(baseURL!).origin;
  const type = `e2e_filters.t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const et = await page.request.post("/api/v1/event-types", { headers: { origin }, data: { name: type, description: "Filters e2e" } });
  expect(et.status(), await et.text()).toBe(201);
  const send = async (amount: number) => {
    const res = await page.request.post("/api/v1/events", { headers: { origin }, data: { type, data: { amount } } });
    expect(res.status(), await res.text()).toBe(202);
  };
  for (const amount of [50, 150, 250]) await send(amount);

  // ---- Create, with a bad filter first ----
  const name = uniqueName("Filtered hooks");
  await page.goto(LIST);
  await page.getByRole("button", { name: "Create endpoint" }).first().click();
  const create = page.getByRole("dialog", { name: "Create endpoint" });
  await create.getByLabel("Name", { exact: true }).fill(name);
  await create.getByLabel("URL", { exact: true }).fill(`${receiver.url}/filtered`);
  await create.getByRole("checkbox", { name: type, exact: true }).check();
  const filter = create.getByRole("textbox", { name: "Payload filter" });
  await filter.fill("data.amount >");
  await create.getByRole("button", { name: "Create endpoint" }).click();
  await expect(filter).toHaveAttribute("aria-invalid", "true");
  await expect(create.getByText("at position 13")).toBeVisible();

  // ---- The preview: the last events, which would match ----
  await filter.fill("data.amount > 100");
  await create.getByRole("button", { name: "Test against the last 20 events" }).click();
  const tested = create.getByRole("list", { name: "Last events tested" });
  await expect(tested).toBeVisible();
  const ours = tested.getByRole("listitem").filter({ hasText: type });
  await expect(ours).toHaveCount(3);
  await expect(ours.filter({ hasText: "No match" })).toHaveCount(1);
  await expect(ours.filter({ hasText: "Filtered out" })).toHaveCount(1);

  // ---- Saved: only matching events are delivered (the receiver fails them for now) ----
  receiver.respondWith(() => ({ status: 500 }));
  await create.getByRole("button", { name: "Create endpoint" }).click();
  const secretDialog = page.getByRole("dialog", { name: "Save your signing secret" });
  await secretDialog.getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("row").filter({ hasText: name });
  await row.getByRole("link", { name }).click();
  await expect(page).toHaveURL(/\/endpoints\/ep_[0-9a-f-]+$/);
  const endpointId = page.url().split("/").pop()!;
  await page.getByRole("button", { name: "Settings", exact: true }).click(); // folded under the deliveries
  await expect(page.getByRole("form", { name: "Endpoint settings" }).getByRole("textbox", { name: "Payload filter" })).toHaveValue("data.amount > 100");

  for (const amount of [10, 500, 20, 600]) await send(amount);
  // Two deliveries only, each failing after its 4 attempts.
  await expect
    .poll(
      async () => {
        const res = await page.request.get(`/api/v1/deliveries?endpoint_id=${endpointId}&limit=100`);
        const body = (await res.json()) as { data: { status: string }[] };
        return body.data.map((d) => d.status).join(",");
      },
      { timeout: 45_000 },
    )
    .toBe("failed,failed");
  const failedIds = new Set(receiver.requests.map((r) => String(r.headers["webhook-id"])));
  expect(failedIds.size).toBe(2);
  expect(receiver.requests.map((r) => JSON.parse(r.body).data.amount).sort()).toEqual([500, 500, 500, 500, 600, 600, 600, 600]);

  // ---- Recover failed messages: a dry-run count, then the job's progress ----
  receiver.respondWith(() => ({ status: 204 }));
  const before = receiver.requests.length;
  await page.getByRole("button", { name: "Recover failed messages" }).click();
  const recover = page.getByRole("dialog", { name: "Recover failed messages" });
  await expect(recover.getByText("2 failed messages will be sent again.")).toBeVisible();
  expect(receiver.requests.length).toBe(before); // counting sent nothing
  await recover.getByRole("button", { name: "Recover 2 messages" }).click();
  await expect(recover.getByText("Done: 2 of 2 messages sent again.")).toBeVisible({ timeout: 30_000 });
  await expect(recover.getByRole("progressbar", { name: "Recovery progress" })).toHaveAttribute("aria-valuenow", "2");
  await recover.getByRole("button", { name: "Done" }).click();
  await expect.poll(() => receiver.requests.length - before, { timeout: 20_000 }).toBe(2);
  // The same messages (webhook-id) again, not new ones.
  expect(new Set(receiver.requests.slice(before).map((r) => String(r.headers["webhook-id"])))).toEqual(failedIds);
});
