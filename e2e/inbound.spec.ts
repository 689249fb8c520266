// Settings > Organization > Webhooks > Incoming, end to end: create an incoming webhook, run the
// copied curl command as-is and watch the message appear (live, without a reload); regenerate the
// token and see the old command refused; switch a webhook to Emit event and watch the event reach
// an outgoing endpoint's receiver; delete it by typing its name.
import type { Page } from "@playwright/test";
import { runCurl } from "./fixtures/curl";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

const INCOMING = "/settings/organization/webhooks?tab=incoming";

type Accepted = { id: string; outcome: string; event_id: string | null };

/** Reads the one-time dialog: URL and token from their fields, the curl command from the clipboard. */
async function readTokenDialog(page: Page) {
  const dialog = page.getByRole("dialog", { name: "Save your integration token" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("shown only this once")).toBeVisible();
  const url = await dialog.getByRole("textbox", { name: "Webhook URL" }).inputValue();
  const token = await dialog.getByRole("textbox", { name: "Integration token" }).inputValue();
  expect(url).toMatch(/\/in\/iwh_[0-9a-z]{26}$/);
  expect(token).toMatch(/^gin_test_[0-9A-Za-z]{36}$/);
  await dialog.getByRole("button", { name: "Copy curl command" }).click();
  await expect(page.getByText("Copied").first()).toBeVisible();
  const curl = await page.evaluate(() => navigator.clipboard.readText());
  await expect(dialog.locator("[data-slot=code-block] code")).toHaveText(curl);
  expect(curl).toContain(url);
  expect(curl).toContain(`Bearer ${token}`);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  return { url, token, curl };
}

async function createWebhook(page: Page, name: string) {
  await page.goto(INCOMING);
  await expect(page.getByRole("tab", { name: "Incoming", selected: true })).toBeVisible();
  await page.getByRole("button", { name: "Create incoming webhook" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create incoming webhook" });
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  return readTokenDialog(page);
}

async function rowAction(page: Page, name: string, action: string) {
  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: action, exact: true }).click();
}

test("create, run the copied curl and see the message appear live; regenerate refuses the old curl", async ({ page, baseURL }) => {
  test.slow();
  const name = uniqueName("Payments provider");
  const first = await createWebhook(page, name);
  expect(first.url.startsWith(new URL(baseURL!).origin)).toBe(true);

  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Store");
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Never");

  // The copied command, run as a user would paste it.
  const r1 = await runCurl(first.curl);
  expect(r1.status).toBe(202);
  const a1 = r1.json<Accepted>();
  expect(a1).toMatchObject({ outcome: "stored", event_id: null });

  // Open its messages: the message is there, with its body.
  await row.getByRole("button", { name, exact: true }).click();
  const messages = page.getByRole("list", { name: `Messages of ${name}` });
  await expect(messages.getByRole("listitem")).toHaveCount(1);
  await expect(messages.getByRole("listitem").first()).toContainText("Stored");
  await messages.getByRole("listitem").first().getByRole("button").first().click();
  await expect(messages.getByText(a1.id)).toBeVisible();
  await expect(messages.getByText('"message": "Hello from Gatehouse"')).toBeVisible();

  // Live: a second request shows up without a reload.
  expect((await runCurl(first.curl)).status).toBe(202);
  await expect(messages.getByRole("listitem")).toHaveCount(2, { timeout: 15_000 });
  await expect(row).not.toContainText("Never");

  // Regenerate (asks first): the new token works, the old curl is refused at once.
  await rowAction(page, name, "Regenerate token");
  const confirm = page.getByRole("alertdialog", { name: `Regenerate the token of ${name}?` });
  await confirm.getByRole("button", { name: "Regenerate token" }).click();
  const second = await readTokenDialog(page);
  expect(second.url).toBe(first.url);
  expect(second.token).not.toBe(first.token);
  const refused = await runCurl(first.curl);
  expect(refused.status).toBe(401);
  expect(refused.json<{ code: string; detail: string }>()).toMatchObject({ code: "unauthorized" });
  expect((await runCurl(second.curl)).status).toBe(202);
  await expect(messages.getByRole("listitem")).toHaveCount(3, { timeout: 15_000 });
});

test("switch a webhook to Emit event: the copied curl becomes an event at an outgoing endpoint's receiver; delete by name", async ({
  page,
  receiver,
  baseURL,
}) => {
  test.slow();
  // An outgoing endpoint subscribed to run.completed, pointing at the test's receiver.
  const origin = new URL(baseURL!).origin;
  const ep = await page.request.post("/api/v1/endpoints", {
    headers: { origin },
    data: { name: uniqueName("Emit target"), url: `${receiver.url}/emitted`, event_types: ["run.completed"] },
  });
  expect(ep.status()).toBe(201);
  const endpointId = ((await ep.json()) as { id: string }).id;

  const name = uniqueName("CI pipeline");
  const { curl } = await createWebhook(page, name);

  // Edit: handler → Emit event (run.completed).
  await rowAction(page, name, "Edit");
  const edit = page.getByRole("dialog", { name: `Edit ${name}` });
  await edit.getByRole("combobox", { name: "Handler" }).click();
  await page.getByRole("option", { name: "Emit event", exact: true }).click();
  await edit.getByRole("combobox", { name: "Event type" }).click();
  await page.getByRole("option", { name: "run.completed", exact: true }).click();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Emit event");
  await expect(row).toContainText("run.completed");

  const r = await runCurl(curl);
  expect(r.status).toBe(202);
  const accepted = r.json<Accepted>();
  expect(accepted.outcome).toBe("emitted");
  expect(accepted.event_id).toMatch(/^evt_/);

  // The event reaches the endpoint's receiver, signed, with the curl's body as its data.
  await expect.poll(() => receiver.requests.filter((q) => q.path === "/emitted").length, { timeout: 30_000 }).toBe(1);
  const delivered = JSON.parse(receiver.requests.find((q) => q.path === "/emitted")!.body);
  expect(delivered).toMatchObject({ id: accepted.event_id, type: "run.completed", data: { event: "test", message: "Hello from Gatehouse" } });

  // The message shows the event and its delivery.
  await row.getByRole("button", { name, exact: true }).click();
  const messages = page.getByRole("list", { name: `Messages of ${name}` });
  const item = messages.getByRole("listitem").first();
  await expect(item).toContainText("Event emitted");
  await item.getByRole("button").first().click();
  await expect(item).toContainText(accepted.event_id!);
  await expect(item).toContainText("succeeded", { timeout: 15_000 });

  // Delete asks for the name; then the URL answers 404 and the row is gone.
  await rowAction(page, name, "Delete");
  const del = page.getByRole("alertdialog", { name: `Delete ${name}?` });
  await del.getByRole("textbox").fill(name);
  await del.getByRole("button", { name: "Delete webhook" }).click();
  // While the dialog is open the page behind it is hidden from the accessibility tree, so the row
  // would count 0 before the DELETE has even answered: wait for the dialog to close first.
  await expect(del).toBeHidden({ timeout: 15_000 });
  await expect(row).toHaveCount(0);
  expect((await runCurl(curl)).status).toBe(404);

  await page.request.delete(`/api/v1/endpoints/${endpointId}`, { headers: { origin } });
});
