// The notification centre's API over real HTTP with console sessions: read state is per member
// (A reading a notification leaves it unread for B; "mark all read" too), the list pages with a
// cursor and counts what is unread, each environment sees its own (plus org-wide ones), and
// another organization never sees or touches them (hostile tenant: its member gets 404 on the
// id, and naming the victim org is refused with 403). Access tokens cannot call it (console only).
import { inRequestScope, sessionHeaders } from "@/tests/helpers/console-session";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as listRoute from "@/app/api/v1/notifications/route";
import * as readRoute from "@/app/api/v1/notifications/[id]/read/route";
import * as readAllRoute from "@/app/api/v1/notifications/read-all/route";
import { db } from "@/lib/db/client";
import { createNotification } from "@/lib/notifications/create-notification";
import { serveRoutes } from "@/tests/helpers/route-server";

let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;
let otherOrgId: string;
const as: Record<"a" | "b" | "mallory", Record<string, string>> = { a: {}, b: {}, mallory: {} };
const ids: string[] = [];

beforeAll(async () => {
  server = await serveRoutes({
    "/api/v1/notifications": inRequestScope(listRoute),
    "/api/v1/notifications/[id]/read": inRequestScope(readRoute),
    "/api/v1/notifications/read-all": inRequestScope(readAllRoute),
  });
  orgId = (await db.organization.create({ data: { name: "Bell" } })).id;
  otherOrgId = (await db.organization.create({ data: { name: "Elsewhere" } })).id;
  for (const [who, org, role] of [["a", orgId, "viewer"], ["b", orgId, "owner"], ["mallory", otherOrgId, "owner"]] as const) {
    const user = await db.user.create({ data: { email: `${who}@bell.example`, name: who } });
    await db.membership.create({ data: { orgId: org, userId: user.id, role } });
    as[who] = { ...(await sessionHeaders(user, server.origin)), "x-gatehouse-org": org, "content-type": "application/json" };
  }
  // Three in test, one in live; written oldest first.
  for (const [n, environment] of [[1, "test"], [2, "test"], [3, "live"], [4, "test"]] as const) {
    const id = await db.$transaction((tx) =>
      createNotification(tx, {
        orgId,
        environment,
        kind: "endpoint.failing",
        title: `Endpoint "n${n}" is failing`,
        body: "body",
        link: "/settings/organization/webhooks/endpoints/ep_x",
        target: { type: "endpoint", id: `ep_${n}` },
        dedupeKey: `test:${n}`,
        data: {},
        emit: false,
      }),
    );
    ids.push(id!);
    await new Promise((r) => setTimeout(r, 5)); // distinct createdAt
  }
});
afterAll(() => server?.close());

async function call(who: keyof typeof as, method: string, path: string, opts: { body?: unknown; environment?: string; org?: string } = {}) {
  const res = await fetch(`${server.origin}${path}`, {
    method,
    headers: { ...as[who], "x-gatehouse-environment": opts.environment ?? "test", ...(opts.org ? { "x-gatehouse-org": opts.org } : {}) },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return { status: res.status, body: await res.json() };
}

it("lists newest first with a cursor and the unread count; read state is per member", async () => {
  const page1 = await call("a", "GET", "/api/v1/notifications?limit=2");
  expect(page1.status).toBe(200);
  expect(page1.body.data.map((n: { title: string }) => n.title)).toEqual(['Endpoint "n4" is failing', 'Endpoint "n2" is failing']);
  expect(page1.body.unread_count).toBe(3); // test environment only
  const page2 = await call("a", "GET", `/api/v1/notifications?limit=2&cursor=${page1.body.next_cursor}`);
  expect(page2.body.data.map((n: { id: string }) => n.id)).toEqual([ids[0]]);
  expect(page2.body.next_cursor).toBeNull();
  expect((await call("a", "GET", "/api/v1/notifications", { environment: "live" })).body.data.map((n: { id: string }) => n.id)).toEqual([ids[2]]);

  // A reads n4: read for A, still unread for B.
  const read = await call("a", "POST", `/api/v1/notifications/${ids[3]}/read`);
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ id: ids[3], read_at: expect.any(String), kind: "endpoint.failing" });
  const again = await call("a", "POST", `/api/v1/notifications/${ids[3]}/read`);
  expect(again.body.read_at).toBe(read.body.read_at); // idempotent: the first read's time
  expect((await call("a", "GET", "/api/v1/notifications")).body.unread_count).toBe(2);
  const forB = await call("b", "GET", "/api/v1/notifications");
  expect(forB.body.unread_count).toBe(3);
  expect(forB.body.data.find((n: { id: string }) => n.id === ids[3]).read_at).toBeNull();
  const unreadForA = await call("a", "GET", "/api/v1/notifications?unread=true");
  expect(unreadForA.body.data.map((n: { id: string }) => n.id)).toEqual([ids[1], ids[0]]);

  // B marks all read (this environment): A's state is untouched; live stays unread for B.
  const all = await call("b", "POST", "/api/v1/notifications/read-all", { body: {} });
  expect(all).toMatchObject({ status: 200, body: { marked: 3 } });
  expect((await call("b", "GET", "/api/v1/notifications")).body.unread_count).toBe(0);
  expect((await call("b", "GET", "/api/v1/notifications", { environment: "live" })).body.unread_count).toBe(1);
  expect((await call("a", "GET", "/api/v1/notifications")).body.unread_count).toBe(2);
  expect((await call("b", "POST", "/api/v1/notifications/read-all")).body.marked).toBe(0);
});

it("another organization never sees or marks them (hostile tenant)", async () => {
  const readsBefore = await db.notificationRead.count();
  const mine = await call("mallory", "GET", "/api/v1/notifications");
  expect(mine).toMatchObject({ status: 200, body: { data: [], unread_count: 0 } });
  // Guessing an id from its own org: 404, and nothing is written.
  const guess = await call("mallory", "POST", `/api/v1/notifications/${ids[0]}/read`);
  expect(guess.status).toBe(404);
  // Naming the victim org is refused: not a member there (403, not a silent switch to its own org).
  expect((await call("mallory", "GET", "/api/v1/notifications", { org: orgId })).status).toBe(403);
  expect((await call("mallory", "POST", `/api/v1/notifications/${ids[0]}/read`, { org: orgId })).status).toBe(403);
  expect((await call("mallory", "POST", "/api/v1/notifications/read-all", { org: orgId })).status).toBe(403);
  expect(await db.notificationRead.count()).toBe(readsBefore); // nothing was written
  // A notification of the other environment is not reachable from this one either.
  expect((await call("a", "POST", `/api/v1/notifications/${ids[2]}/read`)).status).toBe(404);
});

it("refuses unknown fields and query parameters, and bearer tokens", async () => {
  expect((await call("a", "POST", `/api/v1/notifications/${ids[0]}/read`, { body: { all: true } })).status).toBe(422);
  expect((await call("a", "GET", "/api/v1/notifications?unread=maybe")).status).toBe(422);
  expect((await call("a", "GET", "/api/v1/notifications?since=1")).status).toBe(422);
  const res = await fetch(`${server.origin}/api/v1/notifications`, { headers: { authorization: "Bearer gat_test_notarealtoken" } });
  expect([401, 403]).toContain(res.status);
});
