// Bulk recovery through the real API, the real engine (the job runs as an Inngest function on the
// embedded executor) and a real receiver: a dry run counts and changes nothing; the job re-sends
// exactly the failed deliveries of the window, each as another attempt of the same message (same
// webhook-id), and reports progress; another org's endpoint or job is not found.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

process.env.GATEHOUSE_RETRY_SCHEDULE = "1s"; // 2 attempts

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let receiver: Receiver;
let server: Awaited<ReturnType<typeof serveRoutes>>;
let failing = true;

async function tokenFor(orgId: string) {
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "ops", scopes: ["endpoints:read", "endpoints:write", "deliveries:read", "deliveries:write"],
    expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  return (await r.json()).access_token as string;
}

let orgA: string;
let tokA: string;
let tokB: string;

beforeAll(async () => {
  stack = await startDeliveryEngine();
  receiver = await startReceiver();
  receiver.respondWith(() => ({ status: failing ? 500 : 204 }));
  server = await serveRoutes(API_ROUTES);
  orgA = (await db.organization.create({ data: { name: "Recovering" } })).id;
  const orgB = (await db.organization.create({ data: { name: "Other" } })).id;
  tokA = await tokenFor(orgA);
  tokB = await tokenFor(orgB);
  await db.eventType.create({ data: { orgId: orgA, environment: "test", name: "job.done", description: "x" } });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await stack?.close();
  await receiver?.close();
});

const api = async (tok: string, method: string, path: string, body?: unknown) => {
  const r = await fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};

describe("POST /api/v1/endpoints/{id}/recover", () => {
  it("dry run counts; the job re-sends exactly the window's failed deliveries as new attempts of the same messages", async () => {
    const created = await api(tokA, "POST", "/api/v1/endpoints", { name: "flaky", url: `${receiver.url}/flaky`, event_types: ["job.done"] });
    expect(created.status).toBe(201);
    const epId = created.body.id as string;
    const ids: string[] = [];
    for (let n = 0; n < 6; n++) ids.push(...(await ingestEvent({ orgId: orgA, environment: "test", type: "job.done", data: { n } })).pendingDeliveryIds);
    await waitFor(async () => ((await db.delivery.count({ where: { id: { in: ids }, status: "failed" } })) === 6 ? true : undefined), 30_000, "6 failures");
    // Two of them are older than the window.
    const old = ids.slice(0, 2);
    await db.delivery.updateMany({ where: { id: { in: old } }, data: { createdAt: new Date(Date.now() - 3 * 3600_000) } });
    const since = new Date(Date.now() - 3600_000).toISOString();
    const attemptsBefore = await db.deliveryAttempt.count({ where: { deliveryId: { in: ids } } });
    expect(attemptsBefore).toBe(12);

    const dry = await api(tokA, "POST", `/api/v1/endpoints/${epId}/recover`, { since, dry_run: true });
    expect(dry.status).toBe(202);
    expect(dry.body).toEqual({ count: 4, dry_run: true, job: null });
    expect(await db.delivery.count({ where: { id: { in: ids }, status: "failed" } })).toBe(6);
    expect(await db.recoveryJob.count()).toBe(0);

    failing = false;
    const arrivedBefore = receiver.requests.length;
    const started = await api(tokA, "POST", `/api/v1/endpoints/${epId}/recover`, { since });
    expect(started.status).toBe(202);
    expect(started.body.count).toBe(4);
    const jobId = started.body.job.id as string;
    expect(jobId).toMatch(/^rcv_/);
    expect(started.body.job).toMatchObject({ endpoint_id: epId, total: 4, since: new Date(since).toISOString() });

    const done = await waitFor(
      async () => {
        const j = await api(tokA, "GET", `/api/v1/endpoints/${epId}/recovery-jobs/${jobId}`);
        return j.body.status === "completed" ? j.body : undefined;
      },
      30_000,
      "the job to complete",
    );
    expect(done).toMatchObject({ total: 4, processed: 4, recovered: 4, error: null });
    await waitFor(async () => ((await db.delivery.count({ where: { id: { in: ids }, status: "succeeded" } })) === 4 ? true : undefined), 30_000, "4 successes");
    await new Promise((r) => setTimeout(r, 500));
    const resent = receiver.requests.slice(arrivedBefore);
    expect(resent.map((r) => r.headers["webhook-id"]).sort()).toEqual(ids.slice(2).sort());
    // The same deliveries, one more attempt each; the two outside the window untouched.
    expect(await db.delivery.count({ where: { id: { in: ids } } })).toBe(6);
    expect(await db.deliveryAttempt.count({ where: { deliveryId: { in: ids } } })).toBe(16);
    expect(await db.delivery.count({ where: { id: { in: old }, status: "failed" } })).toBe(2);
    const last = await db.deliveryAttempt.findFirstOrThrow({ where: { deliveryId: ids[2] }, orderBy: { number: "desc" } });
    expect(last.replayedBy).toContain(jobId);

    const list = await api(tokA, "GET", `/api/v1/endpoints/${epId}/recovery-jobs`);
    expect(list.body.data.map((j: { id: string }) => j.id)).toEqual([jobId]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { orgId: orgA, action: "endpoint.recovery_started" } });
    expect(audit.targetId).toBe(epId);

    // Asking again: nothing failed is left in the window.
    const again = await api(tokA, "POST", `/api/v1/endpoints/${epId}/recover`, { since, dry_run: true });
    expect(again.body.count).toBe(0);
  }, 90_000);

  it("another org's endpoint or job is not found, and bad windows are 422", async () => {
    const ep = await db.endpoint.findFirstOrThrow({ where: { orgId: orgA } });
    const since = new Date(Date.now() - 3600_000).toISOString();
    const cross = await api(tokB, "POST", `/api/v1/endpoints/${ep.id}/recover`, { since });
    expect(cross.status).toBe(404);
    expect((await api(tokB, "POST", `/api/v1/endpoints/${ep.id}/recover`, { since, dry_run: true })).status).toBe(404);
    const job = await db.recoveryJob.findFirstOrThrow({ where: { orgId: orgA } });
    expect((await api(tokB, "GET", `/api/v1/endpoints/${ep.id}/recovery-jobs/${job.id}`)).status).toBe(404);
    expect((await api(tokB, "GET", `/api/v1/endpoints/${ep.id}/recovery-jobs`)).status).toBe(404);
    expect((await api(tokA, "GET", `/api/v1/endpoints/ep_other/recovery-jobs/${job.id}`)).status).toBe(404);
    expect(await db.recoveryJob.count({ where: { orgId: { not: orgA } } })).toBe(0);
    const bad = await api(tokA, "POST", `/api/v1/endpoints/${ep.id}/recover`, { since, until: new Date(Date.now() - 7200_000).toISOString() });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("until");
    const unknown = await api(tokA, "POST", `/api/v1/endpoints/${ep.id}/recover`, { since, everything: true });
    expect(unknown.status).toBe(422);
  });
});
