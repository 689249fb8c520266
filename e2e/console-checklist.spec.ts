// Issue 14's items that had no spec of their own (see the checklist in the lane's notes): the
// audit log shows a grace period's end as a time and tags entries by their real scope, its action
// filter offers the known actions by name; the delivery id in an incoming webhook's trace is a
// link to that delivery; "Replay all failed" says how many it will replay, per endpoint, before
// it is confirmed, and starts from the deliveries list's filters; deliveries filter by time
// range; credentials filter by Expired.
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { noSeriousViolations } from "./fixtures/axe";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

const AUDIT = "/settings/organization/audit-log";
const DELIVERIES = "/settings/organization/webhooks/deliveries";

function originOf(baseURL: string | undefined) {
  return new URL(baseURL!).origin;
}

/** An event type of this test's own, so other specs' events never reach its endpoints. */
async function ownType(request: APIRequestContext, origin: string, prefix: string) {
  const type = `${prefix}.t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const r = await request.post("/api/v1/event-types", { headers: { origin }, data: { name: type, description: "Checklist e2e" } });
  expect(r.status(), await r.text()).toBe(201);
  return type;
}

async function anEndpoint(request: APIRequestContext, origin: string, name: string, url: string, type: string) {
  const r = await request.post("/api/v1/endpoints", { headers: { origin }, data: { name, url, event_types: [type] } });
  expect(r.status(), await r.text()).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

type DeliveryJson = { id: string; status: string; endpoint_id: string };
async function deliveriesOfEvent(request: APIRequestContext, eventId: string) {
  const r = await request.get(`/api/v1/deliveries?event_id=${encodeURIComponent(eventId)}&limit=100`);
  expect(r.status()).toBe(200);
  return ((await r.json()) as { data: DeliveryJson[] }).data;
}

/**
 * Clicks `trigger` until `opened` shows: a click that lands before the page has hydrated does
 * nothing, and on a loaded machine hydration can take longer than one expect timeout.
 */
async function openWith(trigger: Locator, opened: Locator) {
  await expect(async () => {
    if (!(await opened.isVisible())) await trigger.click({ timeout: 2_000 });
    await expect(opened).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 45_000 });
}

/** The audit table's body row of `action` whose target is `label` (newest first, so the first). */
function auditRow(page: Page, action: string, label: string) {
  return page
    .getByRole("table", { name: "Audit log" })
    .getByRole("row")
    .filter({ has: page.getByRole("cell") })
    .filter({ hasText: action })
    .filter({ hasText: label })
    .first();
}

test("audit log: a grace period's end is shown as a time, entries are tagged by their real scope, actions are offered by name", async ({
  page,
  baseURL,
}) => {
  await page.setViewportSize({ width: 1920, height: 1000 }); // every column shown
  const origin = originOf(baseURL);

  // A secret regenerated with a one-hour grace period: the entry keeps when the old one stops.
  const name = uniqueName("Audit grace");
  const created = await page.request.post("/api/v1/credentials", { headers: { origin }, data: { name, scopes: ["events:read"] } });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const regen = await page.request.post(`/api/v1/credentials/${id}/regenerate-secret`, { headers: { origin }, data: { grace_period_seconds: 3600 } });
  expect(regen.status(), await regen.text()).toBeLessThan(300);
  const { previous_secret_expires_at: until } = (await (await page.request.get(`/api/v1/credentials/${id}`)).json()) as {
    previous_secret_expires_at: string;
  };
  expect(until).toBeTruthy();

  await page.goto(`${AUDIT}?action=credential.secret_regenerated`);
  const row = auditRow(page, "credential.secret_regenerated", name);
  // The first page of a filtered list is fetched after load; on a loaded machine that can take a while.
  const LOADED = { timeout: 30_000 };
  await expect(row).toContainText("Credential secret regenerated", LOADED); // the friendly label, beside the code
  const details = page.getByRole("dialog", { name: "credential.secret_regenerated" });
  await openWith(row.getByRole("button", { name: /^Details of entry/ }), details);
  await expect(details).toContainText(`"old_secret_valid_until": "${until}"`);
  await expect(details).not.toContainText('"old_secret_valid_until": "[redacted]"');
  await page.keyboard.press("Escape");
  await expect(details).toBeHidden();

  // The action filter offers every known action by its name (a list to pick from; a prefix still works).
  const action = page.getByRole("combobox", { name: "Action" });
  await expect(action).toBeVisible();
  const listId = await action.getAttribute("list");
  expect(listId).toBeTruthy();
  const offered = () =>
    page.locator(`datalist[id="${listId}"] option`).evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, (o as HTMLOptionElement).label]));
  await expect
    .poll(offered)
    .toEqual(
      expect.arrayContaining([
        ["credential.secret_regenerated", "Credential secret regenerated"],
        ["event_type.created", "Event type created"],
        ["invitation.created", "Invitation link created"],
      ]),
    );


  // An event type belongs to one environment (test here; live has its own catalog), so its entry
  // says Test; an invitation is organization-wide, so its entry is not tagged with a mode.
  const type = await ownType(page.request, origin, "audit_scope");
  const email = `${uniqueName("scope").replace(/\W+/g, "-").toLowerCase()}@example.test`;
  const inv = await page.request.post("/api/v1/invitations", { headers: { origin }, data: { email, role: "viewer" } });
  expect(inv.status(), await inv.text()).toBe(201);
  const invitationId = ((await inv.json()) as { id: string }).id;

  await page.goto(`${AUDIT}?action=event_type.created`);
  const typeRow = auditRow(page, "event_type.created", type);
  await expect(typeRow.getByRole("cell", { name: /^test$/i })).toHaveCount(1, LOADED);
  await openWith(typeRow.getByRole("button", { name: /^Details of entry/ }), page.getByRole("dialog", { name: "event_type.created" }));
  await expect(page.getByRole("dialog", { name: "event_type.created" })).toContainText(/Environment\s*test/);
  await page.keyboard.press("Escape");

  await page.goto(`${AUDIT}?action=invitation.created`);
  const invRow = auditRow(page, "invitation.created", email);
  await expect(invRow.getByRole("cell", { name: "Org-wide", exact: true })).toHaveCount(1, LOADED);
  await expect(invRow).not.toContainText(/\btest\b/i);
  await openWith(invRow.getByRole("button", { name: /^Details of entry/ }), page.getByRole("dialog", { name: "invitation.created" }));
  await expect(page.getByRole("dialog", { name: "invitation.created" })).toContainText("None (organization-wide)");
  await page.keyboard.press("Escape");

  // The type really is the test environment's only: in live mode (the same session) it is unknown.
  const typePath = `/api/v1/event-types/${encodeURIComponent(type)}`;
  expect((await page.request.get(typePath)).status()).toBe(200);
  await expect(async () => {
    await page.getByRole("radio", { name: "Live" }).click({ timeout: 2_000 });
    await expect(page.getByRole("radio", { name: "Live" })).toHaveAttribute("aria-checked", "true", { timeout: 2_000 });
  }).toPass({ timeout: 45_000 });
  await expect.poll(async () => (await page.request.get(typePath)).status()).toBe(404);
  await page.getByRole("radio", { name: "Test" }).click();
  await expect(page.getByRole("radio", { name: "Test" })).toHaveAttribute("aria-checked", "true");
  await expect.poll(async () => (await page.request.get(typePath)).status()).toBe(200);

  await page.request.delete(`/api/v1/invitations/${invitationId}`, { headers: { origin } });
});

test("an incoming webhook's trace links the delivery id to that delivery; refused requests are listed without their body", async ({ page, receiver, baseURL }) => {
  test.slow();
  const origin = originOf(baseURL);
  receiver.respondWith(() => ({ status: 204 }));
  const type = await ownType(page.request, origin, "trace_link");
  const endpointName = uniqueName("Trace target");
  await anEndpoint(page.request, origin, endpointName, `${receiver.url}/traced`, type);
  const name = uniqueName("Trace source");
  const created = await page.request.post("/api/v1/inbound-webhooks", { headers: { origin }, data: { name, handler: "event", event_type: type } });
  expect(created.status(), await created.text()).toBe(201);
  const inbound = (await created.json()) as { id: string; token: string };

  const sent = await fetch(`${origin}/in/${inbound.id}`, {
    method: "POST",
    headers: { authorization: `Bearer ${inbound.token}`, "content-type": "application/json" },
    body: JSON.stringify({ order: 11 }),
  });
  expect(sent.status).toBe(202);
  const { event_id: eventId } = (await sent.json()) as { event_id: string };
  await receiver.waitFor(1, 30_000);
  const [delivery] = await deliveriesOfEvent(page.request, eventId);
  expect(delivery).toBeDefined();

  await page.goto(`/settings/organization/webhooks?tab=incoming&inbound=${inbound.id}`);
  const messages = page.getByRole("list", { name: `Messages of ${name}` });
  await expect(messages.getByRole("listitem")).toHaveCount(1, { timeout: 30_000 });
  const link = messages.getByRole("link", { name: `Delivery ${delivery!.id}` });
  await openWith(messages.getByRole("listitem").first().getByRole("button").first(), link);
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/webhooks/deliveries\\?q=${delivery!.id}$`));
  const table = page.getByRole("table", { name: "Deliveries" });
  await expect(table.getByRole("row").filter({ hasText: delivery!.id })).toHaveCount(1, { timeout: 30_000 });
  await expect(table.getByRole("row").filter({ hasText: delivery!.id })).toContainText(endpointName);
  await openWith(table.getByRole("row").filter({ hasText: delivery!.id }), page.getByRole("dialog", { name: "Delivery details" }));
  await expect(page.getByRole("dialog", { name: "Delivery details" })).toContainText(delivery!.id);

  // A refused request is listed with its time, source address, reason and size, never its body.
  const loopback = origin.replace("localhost", "127.0.0.1");
  const secretBody = JSON.stringify({ card: "4242-never-shown" });
  const refused = await fetch(`${loopback}/in/${inbound.id}`, {
    method: "POST",
    headers: { authorization: "Bearer gin_test_not_the_token", "content-type": "application/json" },
    body: secretBody,
  });
  expect(refused.status).toBe(401);
  await page.goto(`/settings/organization/webhooks?tab=incoming&inbound=${inbound.id}`);
  const rejected = page.getByRole("table", { name: `Rejected requests of ${name}` });
  const line = rejected.getByRole("row").filter({ hasText: "Wrong token" });
  await expect(line).toHaveCount(1, { timeout: 30_000 });
  await expect(line).toContainText("127.0.0.1");
  await expect(line).toContainText(`${Buffer.byteLength(secretBody)} bytes`);
  await expect(line.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);
  await expect(rejected).not.toContainText("4242-never-shown");
  // On a phone each refused request is a card that fits the screen, nothing cut off.
  await page.setViewportSize({ width: 390, height: 844 });
  const card = page.getByRole("list", { name: `Rejected requests of ${name}` }).getByRole("listitem").filter({ hasText: "Wrong token" });
  await expect(card).toContainText("127.0.0.1");
  await expect(card).toContainText(`${Buffer.byteLength(secretBody)} bytes`);
  const box = (await card.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.request.delete(`/api/v1/inbound-webhooks/${inbound.id}`, { headers: { origin } });
});

test("Replay all failed: the count per endpoint before confirming, starting from the list's endpoint and time filters", async ({
  page,
  receiver,
  baseURL,
}) => {
  test.slow();
  const origin = originOf(baseURL);
  receiver.respondWith(() => ({ status: 500, body: "down" }));
  const type = await ownType(page.request, origin, "replay_preview");
  const [nameA, nameB] = [uniqueName("Preview A"), uniqueName("Preview B")];
  const a = await anEndpoint(page.request, origin, nameA, `${receiver.url}/a`, type);
  const b = await anEndpoint(page.request, origin, nameB, `${receiver.url}/b`, type);
  const ev = await page.request.post("/api/v1/events", { headers: { origin }, data: { type, data: { n: 1 } } });
  expect(ev.status()).toBe(202);
  const eventId = ((await ev.json()) as { id: string }).id;
  await expect
    .poll(async () => (await deliveriesOfEvent(page.request, eventId)).map((d) => d.status).join(","), { timeout: 45_000 })
    .toBe("failed,failed");
  const deliveries = await deliveriesOfEvent(page.request, eventId);
  const toA = deliveries.find((d) => d.endpoint_id === a)!;
  const toB = deliveries.find((d) => d.endpoint_id === b)!;

  // The list filtered to endpoint A and the last hour: the dialog starts from those filters.
  await page.goto(`${DELIVERIES}?status=all&endpoint=${a}&range=1h`);
  await expect(page.getByRole("combobox", { name: "Endpoint" })).toHaveText(nameA, { timeout: 45_000 }); // once hydrated
  const dialog = page.getByRole("dialog", { name: "Replay all failed" });
  await openWith(page.getByRole("button", { name: "Replay all failed" }), dialog);
  await expect(dialog.getByRole("combobox", { name: "Failed since" })).toHaveText("Last hour");
  await expect(dialog).toContainText(`Endpoint: ${nameA}`);
  const willReplay = dialog.getByRole("group", { name: "Will be replayed" });
  await expect(willReplay).toHaveText("1 failed delivery will be replayed.", { timeout: 30_000 });

  // Every endpoint: each of ours is listed with its count (other specs' failures may be listed too).
  await page.keyboard.press("Escape");
  await page.goto(`${DELIVERIES}?status=all&range=1h`);
  await openWith(page.getByRole("button", { name: "Replay all failed" }), dialog);
  await expect(dialog.getByRole("combobox", { name: "Failed since" })).toHaveText("Last hour");
  const perEndpoint = willReplay.getByRole("list", { name: "Per endpoint" });
  for (const n of [nameA, nameB]) await expect(perEndpoint.getByRole("listitem").filter({ hasText: n })).toHaveText(new RegExp(`^${n}\\s*1$`), { timeout: 30_000 });
  await expect(willReplay).toContainText(/^\d+ failed deliveries will be replayed to \d+ endpoints\./);
  await page.keyboard.press("Escape");

  // Confirm from A's filter: A's delivery is replayed (and now succeeds), B's is left failed.
  receiver.respondWith(() => ({ status: 204 }));
  await page.goto(`${DELIVERIES}?status=all&endpoint=${a}&range=1h`);
  await expect(page.getByRole("combobox", { name: "Endpoint" })).toHaveText(nameA, { timeout: 45_000 });
  await openWith(page.getByRole("button", { name: "Replay all failed" }), dialog);
  await expect(willReplay).toHaveText("1 failed delivery will be replayed.", { timeout: 30_000 });
  await dialog.getByRole("button", { name: "Replay failed deliveries" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: /^Replayed 1 delivery\.$/ })).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect
    .poll(async () => Object.fromEntries((await deliveriesOfEvent(page.request, eventId)).map((d) => [d.id, d.status])), { timeout: 30_000 })
    .toEqual({ [toA.id]: "succeeded", [toB.id]: "failed" });

  // The endpoint's own page counts only its own.
  await page.goto(`/settings/organization/webhooks/endpoints/${b}`);
  await openWith(page.getByRole("button", { name: "Replay all failed" }), dialog);
  await expect(dialog.getByRole("group", { name: "Will be replayed" })).toHaveText("1 failed delivery will be replayed.");
  await page.keyboard.press("Escape");

  for (const id of [a, b]) await page.request.delete(`/api/v1/endpoints/${id}`, { headers: { origin } });
});

test("deliveries filter by time range, and credentials by Expired", async ({ page, receiver, baseURL }) => {
  test.slow();
  const origin = originOf(baseURL);
  receiver.respondWith(() => ({ status: 204 }));

  // A credential that expires in a few seconds.
  const name = uniqueName("Soon expired");
  const res = await page.request.post("/api/v1/credentials", {
    headers: { origin },
    data: { name, scopes: ["events:read"], expires_at: new Date(Date.now() + 4_000).toISOString() },
  });
  expect(res.status(), await res.text()).toBe(201);

  // A delivery made now: in "Last hour"; the filter is in the URL.
  const type = await ownType(page.request, origin, "range_filter");
  const endpointId = await anEndpoint(page.request, origin, uniqueName("Range"), `${receiver.url}/range`, type);
  const ev = await page.request.post("/api/v1/events", { headers: { origin }, data: { type, data: {} } });
  const eventId = ((await ev.json()) as { id: string }).id;
  const [delivery] = await deliveriesOfEvent(page.request, eventId);
  await page.goto(`${DELIVERIES}?status=all&endpoint=${endpointId}`);
  await openWith(page.getByRole("combobox", { name: "Created" }), page.getByRole("option", { name: "Last hour" }));
  await page.getByRole("option", { name: "Last hour" }).click();
  await expect(page).toHaveURL(/[?&]range=1h/);
  const table = page.getByRole("table", { name: "Deliveries" });
  await expect(table.getByRole("row").filter({ hasText: delivery!.id })).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByRole("combobox", { name: "Created" })).toHaveText("Last hour");

  // Expired: once its time has passed, the credential is listed under Expired and not Active.
  await page.goto("/settings/organization/credentials");
  const filter = page.getByRole("radiogroup", { name: "Filter credentials by status" });
  const row = page.getByRole("table", { name: "Credentials" }).getByRole("row").filter({ hasText: name });
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText("Expired", { timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await filter.getByRole("radio", { name: "Expired" }).click(); // hydrated: the row's status came from a client fetch
  await expect(row).toHaveCount(1);
  await filter.getByRole("radio", { name: "Active" }).click();
  await expect(row).toHaveCount(0);

  await page.request.delete(`/api/v1/endpoints/${endpointId}`, { headers: { origin } });
});

test("at 390 px the header fits with a long organization name and unread notifications", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/settings/organization/credentials");
  const org = page.getByRole("button", { name: /Switch organization/ });
  await expect(org).toBeVisible();
  // Hydrated first (the switch opens its menu), or React would put the real name back.
  await openWith(org, page.getByRole("menu"));
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toBeHidden();
  // The longest a name can look: the label is capped and truncated, whatever the name (the
  // e2e organization's own name is short, so a long one is put in place here).
  await org.locator("span.truncate").evaluate((el) => (el.textContent = "Acme Payments International Holdings"));
  await page.getByRole("button", { name: /^Notifications/ }).evaluate((el) => {
    if (!el.querySelector("span")) el.insertAdjacentHTML("beforeend", '<span class="absolute -top-0.5 -right-0.5 min-w-4 rounded-full px-1 text-[10px]">99+</span>');
  });
  const overflow = await page.evaluate(() => {
    const header = document.querySelector("header > div")!;
    const out = [...header.querySelectorAll("*")].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5).map((el) => el.outerHTML.slice(0, 80));
    return { scroll: document.documentElement.scrollWidth, header: header.scrollWidth - header.clientWidth, out };
  });
  expect(overflow.out, "header items past the right edge").toEqual([]);
  expect(overflow.header).toBeLessThanOrEqual(0);
  expect(overflow.scroll).toBeLessThanOrEqual(390);
  await expect(page.getByRole("button", { name: "Account menu" })).toBeInViewport({ ratio: 1 });
});

for (const scheme of ["light", "dark"] as const) {
  test(`axe on the dialogs no other spec opens: incoming webhook actions, grace period, public key, replay preview (${scheme})`, async ({
    page,
    baseURL,
  }) => {
    test.slow();
    await page.emulateMedia({ colorScheme: scheme });
    const origin = originOf(baseURL);
    const inb = await page.request.post("/api/v1/inbound-webhooks", { headers: { origin }, data: { name: uniqueName("Axe inbound"), handler: "store" } });
    expect(inb.status(), await inb.text()).toBe(201);
    const { id: inboundId, name: inboundName } = (await inb.json()) as { id: string; name: string };
    const cred = await page.request.post("/api/v1/credentials", { headers: { origin }, data: { name: uniqueName("Axe grace"), scopes: ["events:read"] } });
    const { id: credentialId } = (await cred.json()) as { id: string };
    const regen = await page.request.post(`/api/v1/credentials/${credentialId}/regenerate-secret`, { headers: { origin }, data: { grace_period_seconds: 3600 } });
    expect(regen.status(), await regen.text()).toBeLessThan(300);

    const check = async (what: string, dialog: ReturnType<Page["getByRole"]>) => {
      await expect(dialog).toBeVisible();
      await noSeriousViolations(page, `${what} (${scheme})`);
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
    };
    await page.goto(`/settings/organization/webhooks?tab=incoming&inbound=${inboundId}`);
    for (const [item, dialog] of [
      ["Edit", page.getByRole("dialog", { name: `Edit ${inboundName}` })],
      ["Regenerate token", page.getByRole("alertdialog", { name: `Regenerate the token of ${inboundName}?` })],
      ["Deactivate", page.getByRole("alertdialog", { name: `Deactivate ${inboundName}?` })],
      ["Delete", page.getByRole("alertdialog", { name: `Delete ${inboundName}?` })],
    ] as const) {
      await openWith(page.getByRole("button", { name: `Actions for ${inboundName}` }), page.getByRole("menuitem", { name: item, exact: true }));
      await page.getByRole("menuitem", { name: item, exact: true }).click();
      await check(`incoming webhook: ${item}`, dialog);
    }

    await page.goto(`/settings/organization/credentials/${credentialId}`);
    const endGrace = page.getByRole("alertdialog", { name: /^End the grace period/ });
    await openWith(page.getByRole("button", { name: "End grace period now" }), endGrace);
    await check("end the grace period", endGrace);
    const register = page.getByRole("alertdialog", { name: "Register a public key" }).or(page.getByRole("dialog", { name: "Register a public key" }));
    await openWith(page.getByRole("button", { name: "Register public key" }), register);
    await check("register a public key", register);

    // The replay dialog with its count shown (every endpoint, last 30 days).
    await page.goto(`${DELIVERIES}?range=30d`);
    const replay = page.getByRole("dialog", { name: "Replay all failed" });
    await openWith(page.getByRole("button", { name: "Replay all failed" }), replay);
    await expect(replay.getByText(/will be replayed|nothing to replay/)).toBeVisible({ timeout: 30_000 });
    await check("replay all failed with its count", replay);

    await page.request.delete(`/api/v1/inbound-webhooks/${inboundId}`, { headers: { origin } });
  });
}
