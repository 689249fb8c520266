// Layout (issue 14): no console page scrolls sideways at 390, 1280 or 1440 px, and from 1024 px no
// table is cut off inside its wrapper; at 1280 px the tables
// show their key columns inside the content width (Credentials' Status, the Audit log's IP and
// details); at 390 px a menu button opens the navigation as a sheet with every item.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures/test";

const PAGES = [
  "/settings/organization/general",
  "/settings/organization/members",
  "/settings/organization/credentials",
  "/settings/organization/webhooks",
  "/settings/organization/webhooks?tab=incoming",
  "/settings/organization/webhooks?tab=event-types",
  "/settings/organization/webhooks/deliveries",
  "/settings/organization/webhooks/events",
  "/settings/organization/audit-log",
  "/settings/account",
];

async function noSidewaysScroll(page: Page, path: string) {
  await page.goto(path);
  await page.waitForLoadState("networkidle").catch(() => undefined);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${path} scrolls sideways`).toBeLessThanOrEqual(innerWidth);
  // From 1024 px tables fit their content width by column priority and truncation: none scrolls
  // inside its wrapper (which would hide its last columns, as Status and Revoke once were).
  if (innerWidth >= 1024) {
    const tooWide = await page.evaluate(() =>
      [...document.querySelectorAll("table")]
        .filter((t) => t.scrollWidth > t.parentElement!.clientWidth + 1)
        .map((t) => `${t.getAttribute("aria-label")}: ${t.scrollWidth} px in ${t.parentElement!.clientWidth} px`),
    );
    expect(tooWide, `${path}: tables cut off`).toEqual([]);
  }
}

/** The element is inside the viewport horizontally and not clipped by a scrolling ancestor. */
async function fullyShown(page: Page, locator: ReturnType<Page["locator"]>) {
  await expect(locator).toBeVisible();
  const inView = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth || r.left < 0) return false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== "visible") {
        const pr = p.getBoundingClientRect();
        if (r.right > pr.right + 1 || r.left < pr.left - 1) return false;
      }
    }
    return true;
  });
  expect(inView).toBe(true);
}

async function anEndpoint(page: Page, origin: string) {
  const ep = await page.request.post("/api/v1/endpoints", {
    headers: { origin },
    data: { name: `Layout ${Date.now().toString(36)} with a rather long name for the header`, url: "http://127.0.0.1:9/a/very/long/path/that/goes/on/and/on", event_types: ["run.failed"] }, // not a catch-all: other specs' events stay out of its deliveries
  });
  expect(ep.status()).toBe(201);
  return ((await ep.json()) as { id: string }).id;
}

async function aCredential(page: Page, origin: string) {
  const res = await page.request.post("/api/v1/credentials", {
    headers: { origin },
    data: { name: `Layout credential ${Date.now().toString(36)} with a long name`, scopes: ["endpoints:read", "endpoints:write", "events:read", "events:write", "deliveries:read"] },
  });
  expect(res.status(), await res.text()).toBe(201);
}

for (const width of [390, 1280, 1440]) {
  test(`no page scrolls sideways at ${width} px`, async ({ page, baseURL }) => {
    test.slow();
    await page.setViewportSize({ width, height: 900 });
    const origin = new URL(baseURL!).origin;
    await aCredential(page, origin);
    const id = await anEndpoint(page, origin);
    for (const path of [...PAGES, `/settings/organization/webhooks/endpoints/${id}`]) await noSidewaysScroll(page, path);
    await page.request.delete(`/api/v1/endpoints/${id}`, { headers: { origin } });
  });
}

test("at 1280 px the key columns fit: Credentials' Status, the Audit log's IP and details", async ({ page, baseURL }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await aCredential(page, new URL(baseURL!).origin);
  await page.goto("/settings/organization/credentials");
  const creds = page.getByRole("table", { name: "Credentials" });
  await fullyShown(page, creds.getByRole("columnheader", { name: "Status" }));
  await fullyShown(page, creds.getByRole("row").nth(1).getByRole("cell").last());

  await page.goto("/settings/organization/audit-log");
  const audit = page.getByRole("table").first();
  await fullyShown(page, audit.getByRole("columnheader", { name: "IP" }));
  await fullyShown(page, audit.getByRole("row").nth(1).getByRole("button").last());
});

test("at 390 px a menu button opens the navigation as a sheet with every item", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/settings/organization/general");
  await page.getByRole("button", { name: "Open navigation" }).click();
  const sheet = page.getByRole("dialog", { name: "Navigation" });
  // Wait for the slide-in to finish before measuring.
  await expect.poll(() => sheet.evaluate((el) => el.getBoundingClientRect().left)).toBe(0);
  for (const item of ["General", "Members", "Credentials", "Webhooks", "Deliveries", "Events", "Audit log", "Sessions"]) {
    await fullyShown(page, sheet.getByRole("link", { name: item, exact: true }));
  }
  await sheet.getByRole("link", { name: "Audit log", exact: true }).click();
  await expect(page).toHaveURL(/audit-log$/);
  await expect(sheet).toBeHidden();
  await expect(page.getByRole("banner").getByRole("link", { name: "Gatehouse" })).toBeVisible();
});

test("below 768 px table rows become cards (each value labelled); from 768 px they are a table again", async ({ page, baseURL }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await aCredential(page, new URL(baseURL!).origin);
  for (const [path, name] of [
    ["/settings/organization/credentials", "Credentials"],
    ["/settings/organization/audit-log", "Audit log"],
  ] as const) {
    await page.goto(path);
    const cards = page.getByRole("list", { name }).getByRole("listitem");
    await expect(cards.first()).toBeVisible();
    await expect(page.getByRole("table", { name })).toHaveCount(0);
    await fullyShown(page, cards.first());
  }
  // A credential card carries its labelled values, Status among them.
  await page.goto("/settings/organization/credentials");
  const card = page.getByRole("list", { name: "Credentials" }).getByRole("listitem").first();
  await expect(card.getByRole("term").filter({ hasText: "Status" })).toBeVisible();
  await page.setViewportSize({ width: 800, height: 900 });
  await expect(page.getByRole("table", { name: "Credentials" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Credentials" })).toHaveCount(0);
});

test("the console has an icon: the tab shows the Gatehouse shield, and no page load logs a 404 for it", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto("/settings/organization/general");
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toMatch(/^\/icon\.svg/);
  const icon = await page.request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  expect(await icon.text()).toContain("<svg");
  await page.waitForLoadState("networkidle");
  expect(errors.filter((e) => e.includes("404"))).toEqual([]);
});
