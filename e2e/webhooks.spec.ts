// Settings > Organization > Webhooks, end to end: create an endpoint and copy its one-time
// signing secret, pause it and send a test event (the delivery is held), resume (it is released),
// edit its headers, rotate the secret, delete it by typing its name; and the event-type catalog.
import type { Page } from "@playwright/test";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

const LIST = "/settings/organization/webhooks";

type EventDetail = { id: string; deliveries: { endpoint_id: string; status: string }[] };
type EndpointJson = { id: string; status: string; headers_json: Record<string, string>; previous_secret_expires_at: string | null };

/** Reads the one-time dialog: the secret from its field, checked against what the copy button copies. */
async function readSecretDialog(page: Page) {
  const dialog = page.getByRole("dialog", { name: "Save your signing secret" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("Copy the signing secret now")).toBeVisible();
  const secret = await dialog.getByRole("textbox", { name: "Signing secret" }).inputValue();
  await dialog.getByRole("button", { name: "Copy signing secret" }).click();
  await expect(page.getByText("Copied").first()).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
  await expect(dialog.locator("[data-slot=code-block] code")).toContainText("new Webhook(");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  return secret;
}

async function deliveryStatus(page: Page, eventId: string, endpointId: string) {
  const res = await page.request.get(`/api/v1/events/${eventId}`);
  expect(res.status()).toBe(200);
  const event = (await res.json()) as EventDetail;
  return event.deliveries.find((d) => d.endpoint_id === endpointId)?.status;
}

async function getEndpoint(page: Page, id: string) {
  const res = await page.request.get(`/api/v1/endpoints/${id}`);
  return { status: res.status(), body: res.ok() ? ((await res.json()) as EndpointJson) : null };
}

test("endpoint lifecycle: create, copy the secret, pause and hold a test event, resume, edit headers, rotate, delete", async ({
  page,
  receiver,
}) => {
  // The whole lifecycle in one walk: ~50 s alone, so it gets twice the default budget.
  test.setTimeout(120_000);
  const name = uniqueName("Billing hooks");

  // ---- Create ----
  await page.goto(LIST);
  await expect(page.getByRole("heading", { name: "Webhooks", exact: true })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Endpoints", selected: true })).toBeVisible();
  await page.getByRole("button", { name: "Create endpoint" }).first().click();
  const create = page.getByRole("dialog", { name: "Create endpoint" });
  await create.getByLabel("Name", { exact: true }).fill(name);
  await create.getByLabel("URL", { exact: true }).fill(`${receiver.url}/hooks`);
  await expect(create.getByText("None selected: this endpoint receives all events")).toBeVisible();
  await create.getByRole("checkbox", { name: "webhook.test", exact: true }).check();
  await create.getByRole("button", { name: "Add header" }).click();
  await create.getByRole("textbox", { name: "Header name 1" }).fill("X-Team");
  await create.getByRole("textbox", { name: "Header value 1" }).fill("payments");
  await create.getByLabel("Timeout (seconds)").fill("5");
  await create.getByLabel("Auth token").fill("e2e-bearer-token");
  await create.getByRole("button", { name: "Create endpoint" }).click();
  const firstSecret = await readSecretDialog(page);

  // The new row opens the endpoint's page.
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("webhook.test");
  await expect(row).toContainText("Active");
  await row.getByRole("link", { name }).click();
  await expect(page).toHaveURL(/\/settings\/organization\/webhooks\/endpoints\/ep_[0-9a-f-]+$/);
  const endpointId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByText(`${receiver.url}/hooks`)).toBeVisible();
  const created = await getEndpoint(page, endpointId);
  // Header values are write-only: the API shows names with masked values.
  expect(created.body).toMatchObject({ status: "ACTIVE", headers_json: { "X-Team": "••••••" }, timeout_seconds: 5, auth_token_configured: true });
  // The settings are folded under the deliveries; open them.
  await page.getByRole("button", { name: "Settings", exact: true }).click();
  await expect(page.getByRole("form", { name: "Endpoint settings" }).getByRole("textbox", { name: "Header value 1" })).toHaveValue("••••••");

  // ---- Pause (asks first), then a test event is held ----
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  const pause = page.getByRole("alertdialog", { name: `Pause ${name}?` });
  await expect(pause).toContainText("held, not dropped");
  await pause.getByRole("button", { name: "Pause endpoint" }).click();
  await expect(pause).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "held, not dropped" })).toBeVisible();
  expect((await getEndpoint(page, endpointId)).body?.status).toBe("PAUSED");

  await page.getByRole("button", { name: "Send test event" }).click();
  const send = page.getByRole("dialog", { name: "Send test event" });
  await expect(send.getByRole("combobox", { name: "Event type" })).toHaveText("webhook.test");
  const payload = send.getByRole("textbox", { name: "Payload" });
  await payload.fill("{ not json");
  await send.getByRole("button", { name: "Send test event" }).click();
  await expect(send.getByRole("alert")).toContainText("Not valid JSON");
  await payload.fill('{"hello": "world"}');
  const [sent] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/v1/endpoints/${endpointId}/test`) && r.request().method() === "POST"),
    send.getByRole("button", { name: "Send test event" }).click(),
  ]);
  expect(sent.status()).toBe(202);
  const eventId = ((await sent.json()) as { id: string }).id;
  await expect(page.getByText("Test event sent: 1 delivery")).toBeVisible(); // this endpoint only
  await expect(send).toBeHidden();
  expect(await deliveryStatus(page, eventId, endpointId)).toBe("held");
  expect(receiver.requests).toHaveLength(0);

  // ---- Resume releases it ----
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByRole("button", { name: "Pause", exact: true })).toBeVisible();
  await expect(page.getByText("held, not dropped")).toHaveCount(0);
  expect((await getEndpoint(page, endpointId)).body?.status).toBe("ACTIVE");
  await expect.poll(() => deliveryStatus(page, eventId, endpointId)).not.toBe("held");
  // The receiver gets the real header value and token.
  await expect.poll(() => receiver.requests.length).toBeGreaterThan(0);
  expect(receiver.requests[0]!.headers["x-team"]).toBe("payments");
  expect(receiver.requests[0]!.headers.authorization).toBe("Bearer e2e-bearer-token");

  // ---- Edit headers (a reserved one is refused before it is sent) ----
  const settings = page.getByRole("form", { name: "Endpoint settings" });
  await expect(settings.getByRole("button", { name: "Save changes" })).toBeDisabled();
  await settings.getByRole("textbox", { name: "Header value 1" }).fill("billing");
  await settings.getByRole("button", { name: "Add header" }).click();
  await settings.getByRole("textbox", { name: "Header name 2" }).fill("Content-Type");
  await settings.getByRole("textbox", { name: "Header value 2" }).fill("text/plain");
  await settings.getByRole("button", { name: "Save changes" }).click();
  await expect(settings.getByText("Gatehouse sets this header")).toBeVisible();
  await settings.getByRole("textbox", { name: "Header name 2" }).fill("X-Trace");
  await settings.getByRole("textbox", { name: "Header value 2" }).fill("on");
  await settings.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  await expect(settings.getByRole("button", { name: "Save changes" })).toBeDisabled();
  expect((await getEndpoint(page, endpointId)).body?.headers_json).toEqual({ "X-Team": "••••••", "X-Trace": "••••••" });
  // Removing a row removes the header.
  await settings.getByRole("button", { name: "Remove header 2" }).click();
  await settings.getByRole("button", { name: "Save changes" }).click();
  await expect(settings.getByRole("button", { name: "Save changes" })).toBeDisabled();
  // The kept row was sent back masked, so its stored value stays.
  expect((await getEndpoint(page, endpointId)).body?.headers_json).toEqual({ "X-Team": "••••••" });

  // ---- Rotate: a new secret, the old one signs for the chosen grace period ----
  await page.getByRole("button", { name: "Rotate secret" }).click();
  const rotate = page.getByRole("alertdialog", { name: /Rotate the signing secret/ });
  const grace = rotate.getByRole("combobox", { name: "Old secret keeps signing" });
  await expect(grace).toHaveText("24 hours");
  await grace.click();
  await page.getByRole("option", { name: "1 hour", exact: true }).click();
  await rotate.getByRole("button", { name: "Rotate secret" }).click();
  const secondSecret = await readSecretDialog(page);
  expect(secondSecret).not.toBe(firstSecret);
  await expect(page.getByText("previous secret valid until")).toBeVisible();
  const rotated = (await getEndpoint(page, endpointId)).body!;
  const graceMs = new Date(rotated.previous_secret_expires_at!).getTime() - Date.now();
  expect(graceMs).toBeGreaterThan(50 * 60_000);
  expect(graceMs).toBeLessThanOrEqual(3600_000);

  // ---- Delete: only after typing the name ----
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const del = page.getByRole("alertdialog", { name: `Delete ${name}?` });
  const confirm = del.getByRole("button", { name: "Delete endpoint" });
  await expect(confirm).toBeDisabled();
  await del.getByRole("textbox").fill(name.slice(0, -1));
  await expect(confirm).toBeDisabled();
  await del.getByRole("textbox").fill(name);
  await confirm.click();
  await expect(page).toHaveURL(new RegExp(`${LIST}$`));
  await expect(page.getByText(`Endpoint ${name} deleted`)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: name })).toHaveCount(0);
  expect((await getEndpoint(page, endpointId)).status).toBe(404);
});

test("create endpoint: the API's URL error lands on the URL field", async ({ page }) => {
  await page.goto(LIST);
  await page.getByRole("button", { name: "Create endpoint" }).first().click();
  const create = page.getByRole("dialog", { name: "Create endpoint" });
  await create.getByLabel("Name", { exact: true }).fill(uniqueName("Bad URL"));
  // Well-formed for the browser, refused by the server: credentials in the URL.
  await create.getByLabel("URL", { exact: true }).fill("http://user:pass@127.0.0.1:9/hooks");
  await create.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page.getByText("Check the highlighted fields.")).toBeVisible();
  await expect(create.getByLabel("URL", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(create).toBeVisible();
});

test("event types: the tab is in the URL; create with a JSON schema, archive and unarchive", async ({ page }) => {
  const eventName = `e2e_${Date.now().toString(36)}.paid`;
  await page.goto(`${LIST}?tab=event-types`);
  await expect(page.getByRole("tab", { name: "Event types", selected: true })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "webhook.test" })).toBeVisible();

  await page.getByRole("tab", { name: "Incoming" }).click();
  await expect(page).toHaveURL(/\?tab=incoming$/);
  await expect(page.getByRole("heading", { name: "Incoming webhooks" })).toBeVisible();
  await page.getByRole("tab", { name: "Event types" }).click();
  await expect(page).toHaveURL(/\?tab=event-types$/);

  await page.getByRole("button", { name: "Create event type" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create event type" });
  await dialog.getByLabel("Name", { exact: true }).fill(eventName);
  await dialog.getByLabel("Description").fill("An invoice was paid.");
  await dialog.getByLabel("JSON schema").fill('{"type": "object",');
  await dialog.getByRole("button", { name: "Create event type" }).click();
  await expect(dialog.getByText("Not valid JSON")).toBeVisible();
  await dialog.getByLabel("JSON schema").fill('{"type": "object", "required": ["invoice_id"]}');
  await dialog.getByRole("button", { name: "Create event type" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row").filter({ hasText: eventName });
  // The schema column opens the schema (Edit when there is one).
  await expect(row.getByRole("button", { name: `Edit schema of ${eventName}` })).toHaveText("Edit");
  await expect(row).toContainText("Active");

  await row.getByRole("button", { name: `Archive ${eventName}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Archive event type" }).click();
  await expect(page.getByRole("alertdialog")).toBeHidden(); // the rows behind a modal count 0 anyway
  await expect(row).toHaveCount(0);
  await page.getByRole("switch", { name: "Show archived" }).click();
  await expect(row).toContainText("Archived");
  await row.getByRole("button", { name: `Unarchive ${eventName}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Unarchive event type" }).click();
  await expect(row).toContainText("Active");
});
