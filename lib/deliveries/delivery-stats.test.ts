// An endpoint's delivery outcomes per bucket, on a real database (PGlite here, PostgreSQL under
// `npm run test:pg`): the domain function with a fixed clock, and GET /api/v1/endpoints/{id}/stats
// over real HTTP with bearer tokens from real credentials.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as stats from "@/app/api/v1/endpoints/[id]/stats/route";
import { AppError } from "@/lib/api/errors";
import { getDeliveryStats, statsRange } from "@/lib/deliveries/delivery-stats";
import { db } from "@/lib/db/client";
import type { DeliveryStatus, Environment } from "@/lib/generated/prisma/client";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { serveRoutes } from "@/tests/helpers/route-server";
import type { DeliveryStatsWindow } from "@/lib/validations/deliveries";
import { bearerFor } from "@/tests/helpers/tokens";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
const HOUR = 3600_000;
const DAY = 24 * HOUR;
// Half past ten: the 24h window's last bucket is 10:00–11:00, its first 11:00 the day before.
const NOW = new Date("2026-11-25T10:30:00.000Z");

let seq = 0;
async function org(name: string) {
  return (await db.organization.create({ data: { name } })).id;
}

async function endpointIn(orgId: string, environment: Environment = "test") {
  const { endpoint } = await createEndpoint({
    orgId,
    environment,
    name: `stats-${++seq}`,
    url: "https://example.com/hook",
    eventTypes: [],
    fields: ENDPOINTS_FIELDS,
    ctx,
  });
  return endpoint;
}

/** Deliveries to `endpoint`, one per entry, each with its own event and creation time. */
async function deliveries(endpoint: { id: string; orgId: string; environment: Environment }, rows: [DeliveryStatus, Date][]) {
  for (const [status, createdAt] of rows) {
    const n = ++seq;
    const event = await db.event.create({
      data: { id: `evt_stats_${n}`, orgId: endpoint.orgId, environment: endpoint.environment, type: "stats.test", payload: {}, createdAt },
    });
    await db.delivery.create({
      data: {
        id: `msg_stats_${n}`,
        orgId: endpoint.orgId,
        environment: endpoint.environment,
        eventId: event.id,
        endpointId: endpoint.id,
        status,
        createdAt,
      },
    });
  }
}

const ago = (ms: number, from = NOW) => new Date(from.getTime() - ms);

describe("statsRange", () => {
  it("ends with the bucket that holds now, on whole UTC hours and days", () => {
    const h = statsRange("24h", NOW);
    expect(new Date(h.start).toISOString()).toBe("2026-11-24T11:00:00.000Z");
    expect(new Date(h.end).toISOString()).toBe("2026-11-25T11:00:00.000Z");
    const d = statsRange("7d", NOW);
    expect(new Date(d.start).toISOString()).toBe("2026-11-19T00:00:00.000Z");
    expect(new Date(d.end).toISOString()).toBe("2026-11-26T00:00:00.000Z");
    // Exactly on a boundary, now opens a new bucket.
    expect(new Date(statsRange("24h", new Date("2026-11-25T11:00:00.000Z")).end).toISOString()).toBe("2026-11-25T12:00:00.000Z");
  });
});

describe("getDeliveryStats", () => {
  let orgId: string;
  let ep: Awaited<ReturnType<typeof endpointIn>>;

  beforeAll(async () => {
    orgId = await org("Stats");
    ep = await endpointIn(orgId);
    await deliveries(ep, [
      ["succeeded", ago(1 * 60_000)], // 10:29, last bucket
      ["succeeded", ago(10 * 60_000)], // 10:20, last bucket
      ["failed", ago(20 * 60_000)], // 10:10, last bucket
      ["pending", ago(30 * 60_000)], // 10:00:00.000 exactly: the last bucket's first instant
      ["held", ago(30 * 60_000 + 1)], // 09:59:59.999, the bucket before
      ["failed", ago(3 * HOUR)], // 07:30
      ["succeeded", new Date("2026-11-24T11:00:00.000Z")], // the first instant of the 24h window
      ["succeeded", new Date("2026-11-24T10:59:59.999Z")], // just before it: in 7d only
      ["failed", ago(3 * DAY)], // 2026-11-22T10:30
      ["succeeded", new Date("2026-11-18T23:59:59.999Z")], // before the 7d window
      ["succeeded", new Date("2026-11-25T11:00:00.000Z")], // the next hour (clock skew): outside 24h, in today for 7d
    ]);
    // Same org, other endpoint; same org and endpoint id space, other environment; other org.
    await deliveries(await endpointIn(orgId), [["failed", ago(60_000)]]);
    await deliveries(await endpointIn(orgId, "live"), [["failed", ago(60_000)]]);
    await deliveries(await endpointIn(await org("Other")), [["failed", ago(60_000)]]);
  });

  it("counts the last 24 hours in 24 one-hour buckets, every bucket present", async () => {
    const s = await getDeliveryStats({ orgId, environment: "test", endpointId: ep.id, now: NOW });
    expect(s).toMatchObject({
      endpoint_id: ep.id,
      window: "24h",
      bucket_seconds: 3600,
      from: "2026-11-24T11:00:00.000Z",
      to: "2026-11-25T11:00:00.000Z",
      totals: { succeeded: 3, failed: 2, pending: 1, held: 1, total: 7 },
    });
    expect(s.buckets).toHaveLength(24);
    expect(s.buckets.map((b) => b.start)).toEqual(
      Array.from({ length: 24 }, (_, i) => new Date(Date.parse("2026-11-24T11:00:00.000Z") + i * HOUR).toISOString()),
    );
    const at = (iso: string) => s.buckets.find((b) => b.start === iso);
    expect(at("2026-11-25T10:00:00.000Z")).toEqual({ start: "2026-11-25T10:00:00.000Z", succeeded: 2, failed: 1, pending: 1, held: 0 });
    expect(at("2026-11-25T09:00:00.000Z")).toEqual({ start: "2026-11-25T09:00:00.000Z", succeeded: 0, failed: 0, pending: 0, held: 1 });
    expect(at("2026-11-25T07:00:00.000Z")).toMatchObject({ failed: 1, succeeded: 0 });
    expect(at("2026-11-24T11:00:00.000Z")).toMatchObject({ succeeded: 1, failed: 0 });
    // Every other bucket is there with zeros.
    const busy = new Set(["2026-11-25T10:00:00.000Z", "2026-11-25T09:00:00.000Z", "2026-11-25T07:00:00.000Z", "2026-11-24T11:00:00.000Z"]);
    for (const b of s.buckets.filter((b) => !busy.has(b.start))) {
      expect(b).toEqual({ start: b.start, succeeded: 0, failed: 0, pending: 0, held: 0 });
    }
  });

  it("counts the last 7 days in 7 UTC-day buckets", async () => {
    const s = await getDeliveryStats({ orgId, environment: "test", endpointId: ep.id, window: "7d", now: NOW });
    expect(s).toMatchObject({
      window: "7d",
      bucket_seconds: 86_400,
      from: "2026-11-19T00:00:00.000Z",
      to: "2026-11-26T00:00:00.000Z",
      totals: { succeeded: 5, failed: 3, pending: 1, held: 1, total: 10 },
    });
    expect(s.buckets.map((b) => [b.start.slice(0, 10), b.succeeded, b.failed, b.pending, b.held])).toEqual([
      ["2026-11-19", 0, 0, 0, 0],
      ["2026-11-20", 0, 0, 0, 0],
      ["2026-11-21", 0, 0, 0, 0],
      ["2026-11-22", 0, 1, 0, 0],
      ["2026-11-23", 0, 0, 0, 0],
      ["2026-11-24", 2, 0, 0, 0],
      ["2026-11-25", 3, 2, 1, 1],
    ]);
  });

  it("is all zeros for an endpoint without deliveries", async () => {
    const quiet = await endpointIn(orgId);
    const s = await getDeliveryStats({ orgId, environment: "test", endpointId: quiet.id, now: NOW });
    expect(s.totals).toEqual({ succeeded: 0, failed: 0, pending: 0, held: 0, total: 0 });
    expect(s.buckets).toHaveLength(24);
    expect(s.buckets.every((b) => b.succeeded + b.failed + b.pending + b.held === 0)).toBe(true);
  });

  it("is not found from another org or environment, and for an unknown id", async () => {
    const other = await org("Elsewhere");
    for (const scope of [
      { orgId: other, environment: "test" as const, endpointId: ep.id },
      { orgId, environment: "live" as const, endpointId: ep.id },
      { orgId, environment: "test" as const, endpointId: "ep_nope" },
    ]) {
      const err = await getDeliveryStats({ ...scope, now: NOW }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "not_found", status: 404 });
    }
  });

  it("refuses a window it does not know, naming the field", async () => {
    for (const window of ["30d", "toString", ""]) {
      const err = await getDeliveryStats({ orgId, environment: "test", endpointId: ep.id, window: window as DeliveryStatsWindow }).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: "validation_failed", errors: [{ field: "window" }] });
    }
  });
});

describe("GET /api/v1/endpoints/{id}/stats", () => {
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  let orgId: string;
  let ep: Awaited<ReturnType<typeof endpointIn>>;
  let readToken: string;

  const bearer = (org: string, scopes: string[]) => bearerFor(server.origin, org, scopes);

  const get = (path: string, tok = readToken) => fetch(`${server.origin}${path}`, { headers: { authorization: `Bearer ${tok}` } });

  beforeAll(async () => {
    server = await serveRoutes({ "/oauth/token": token, "/api/v1/endpoints/[id]/stats": stats });
    orgId = await org("Stats API");
    ep = await endpointIn(orgId);
    const now = new Date();
    await deliveries(ep, [
      ["succeeded", ago(1000, now)],
      ["failed", ago(2 * HOUR, now)],
      ["succeeded", ago(2 * DAY, now)], // in 7d only
    ]);
    readToken = await bearer(orgId, ["deliveries:read"]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers the 24h window by default and 7d when asked", async () => {
    const res = await get(`/api/v1/endpoints/${ep.id}/stats`);
    expect(res.status).toBe(200);
    const day = await res.json();
    expect(day).toMatchObject({ endpoint_id: ep.id, window: "24h", bucket_seconds: 3600 });
    expect(day.totals).toEqual({ succeeded: 1, failed: 1, pending: 0, held: 0, total: 2 });
    expect(day.buckets).toHaveLength(24);

    const week = await (await get(`/api/v1/endpoints/${ep.id}/stats?window=7d`)).json();
    expect(week).toMatchObject({ window: "7d", bucket_seconds: 86_400 });
    expect(week.totals).toEqual({ succeeded: 2, failed: 1, pending: 0, held: 0, total: 3 });
    expect(week.buckets).toHaveLength(7);
  });

  it("refuses a bad window with problem+json naming the field", async () => {
    const res = await get(`/api/v1/endpoints/${ep.id}/stats?window=30d`);
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const p = await res.json();
    expect(p).toMatchObject({ code: "validation_failed", status: 422 });
    expect(p.errors.map((e: { field: string }) => e.field)).toEqual(["window"]);
  });

  it("is 404 for another org's endpoint and 403 without deliveries:read", async () => {
    const other = await endpointIn(await org("Stats API other"));
    await deliveries(other, [["failed", new Date()]]);
    const res = await get(`/api/v1/endpoints/${other.id}/stats`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await res.json()).code).toBe("not_found");

    const noScope = await get(`/api/v1/endpoints/${ep.id}/stats`, await bearer(orgId, ["endpoints:read"]));
    expect(noScope.status).toBe(403);
    expect((await noScope.json()).code).toBe("insufficient_scope");
  });
});
