// The audit log, end to end: a change made in the console appears with its actor, the filters
// narrow the list and live in the URL, the CSV export holds what the filters show, and the hash
// chain verifies.
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures/test";
import { ADMIN } from "./fixtures/admin";
import { uniqueName } from "./fixtures/names";

const AUDIT = "/settings/organization/audit-log";

async function renameOrganization(page: Page, name: string) {
  await page.goto("/settings/organization/general");
  const field = page.getByLabel("Organization name");
  await expect(field).toBeEnabled();
  await field.fill(name);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Organization renamed")).toBeVisible();
  await expect(field).toHaveValue(name);
}

/** The table's body rows (the header row has column headers, not cells). */
function bodyRows(page: Page) {
  return page.getByRole("table", { name: "Audit log" }).getByRole("row").filter({ has: page.getByRole("cell") });
}

test("a rename is logged with its actor, filters narrow the list, CSV export and chain verification", async ({ page }) => {
  await page.goto("/settings/organization/general");
  const original = await page.getByLabel("Organization name").inputValue();
  const renamed = uniqueName("Acme renamed");
  await renameOrganization(page, renamed);

  try {
    await page.goto(AUDIT);
    await expect(page.getByRole("heading", { name: "Audit log", exact: true })).toBeVisible();

    // Newest first: the rename is listed with the admin's email as actor and its target.
    const entry = bodyRows(page).filter({ hasText: "organization.renamed" }).filter({ hasText: renamed });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText(ADMIN.email);
    await expect(entry).toContainText("user");
    // Other actions are listed too before filtering (at least setup's organization.created and
    // member.added, which may be on a later page when other specs have been busy).
    const unfiltered = await bodyRows(page).allInnerTexts();
    expect(unfiltered.some((t) => !t.includes("organization.renamed"))).toBe(true);

    // The entry's details: before and after, and its place in the chain.
    await entry.click();
    const details = page.getByRole("dialog", { name: "organization.renamed" });
    await expect(details).toContainText(`"name": "${original}"`);
    await expect(details).toContainText(`"name": "${renamed}"`);
    await expect(details.getByText("Previous hash")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(details).toBeHidden();

    // Filter by action: only renames remain, and the filter is in the URL.
    await page.getByLabel("Action").fill("organization.renamed");
    await expect(page).toHaveURL(/[?&]action=organization\.renamed/);
    await expect(bodyRows(page).filter({ hasText: "organization.created" })).toHaveCount(0);
    await expect(bodyRows(page).filter({ hasText: renamed })).toHaveCount(1);
    const shown = await bodyRows(page).allInnerTexts();
    expect(shown.length).toBeGreaterThan(0);
    for (const text of shown) expect(text).toContain("organization.renamed");

    // A prefix works as well, and a filter with no match says so.
    await page.getByLabel("Action").fill("organization.");
    await expect(page).toHaveURL(/[?&]action=organization\./);
    await expect(bodyRows(page).filter({ hasText: "organization.created" })).toHaveCount(1);
    await page.getByLabel("Action").fill("organization.renamed");
    await page.getByLabel("Actor").fill("nobody-matches-this");
    await expect(page.getByText("No entries match these filters")).toBeVisible();
    await page.getByLabel("Actor").fill(ADMIN.email);
    await expect(page).toHaveURL(new RegExp(`[?&]actor=${encodeURIComponent(ADMIN.email).replace(/\./g, "\\.")}`));
    await expect(bodyRows(page).filter({ hasText: renamed })).toHaveCount(1);

    // The filtered view can be shared: opening its URL shows the same filters and rows.
    await page.goto(page.url());
    await expect(page.getByLabel("Action")).toHaveValue("organization.renamed");
    await expect(page.getByLabel("Actor")).toHaveValue(ADMIN.email);
    await expect(bodyRows(page).filter({ hasText: renamed })).toHaveCount(1);

    // Export CSV with the current filters.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-log-.*\.csv$/);
    const csv = await readFile((await download.path())!, "utf8");
    const [header] = csv.split("\r\n");
    expect(header).toBe(
      "id,seq,created_at,environment,actor_type,actor_id,actor_label,action,target_type,target_id,target_label,ip,user_agent,before,after,prev_hash,hash",
    );
    expect(csv).toContain("organization.renamed");
    expect(csv).toContain(renamed);
    expect(csv).toContain(ADMIN.email);
    expect(csv).not.toContain("organization.created"); // the filter applied to the export

    // The chain verifies.
    await expect(page.getByText(/^Hash chain verified: \d+ entries$/)).toBeVisible();
    const verified = await page.getByText(/^Hash chain verified/).innerText();
    expect(Number(verified.match(/(\d+) entries/)![1])).toBeGreaterThanOrEqual(2);
    await expect(page.getByRole("button", { name: "Copy head hash" })).toBeVisible();

    // An admin exports a signed checkpoint of the head, and checking it back says it holds.
    const [cpDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export checkpoint" }).click(),
    ]);
    const cpPath = (await cpDownload.path())!;
    const cp = JSON.parse(await readFile(cpPath, "utf8")) as { algorithm: string; signature: string; count: number };
    expect(cp.algorithm).toBe("Ed25519");
    expect(cp.count).toBeGreaterThanOrEqual(2);
    await page.getByLabel("Checkpoint file to check").setInputFiles(cpPath);
    await expect(page.getByText(/^Checkpoint holds: every entry up to it is still here/)).toBeVisible();
    // An edited checkpoint does not.
    await page.getByLabel("Checkpoint file to check").setInputFiles({
      name: "edited.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify({ ...cp, count: cp.count - 1 })),
    });
    await expect(page.getByText(/^Checkpoint does not hold\. The checkpoint's signature is not valid/)).toBeVisible();
  } finally {
    // Leave the organization's name as other specs expect it.
    await renameOrganization(page, original);
  }
});

test("the export downloads JSON too, and clearing the filters shows every entry again", async ({ page }) => {
  await page.goto(`${AUDIT}?action=organization.`);
  await expect(page.getByLabel("Action")).toHaveValue("organization.");
  await expect(bodyRows(page).filter({ hasText: "organization.created" })).toHaveCount(1);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export JSON" }).click(),
  ]);
  const events = JSON.parse(await readFile((await download.path())!, "utf8")) as { action: string; hash: string }[];
  expect(events.length).toBeGreaterThan(0);
  for (const e of events) expect(e.action.startsWith("organization.")).toBe(true);

  // The environment filter (a native select) goes into the URL too, and clearing drops it.
  await page.getByRole("combobox", { name: "Environment" }).selectOption("live");
  await expect(page).toHaveURL(/[?&]environment=live/);
  await expect(page.getByRole("combobox", { name: "Environment" })).toHaveValue("live");

  await page.getByRole("button", { name: "Clear filters" }).first().click();
  await expect(page).not.toHaveURL(/action=/);
  await expect(page).not.toHaveURL(/environment=/);
  await expect(page.getByLabel("Action")).toHaveValue("");
  await expect(page.getByRole("combobox", { name: "Environment" })).toHaveValue("");
});
