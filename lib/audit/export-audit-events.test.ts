import { beforeAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/lib/db/client";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import {
  AUDIT_CSV_COLUMNS,
  auditEventsCsvStream,
  auditEventsJsonStream,
  auditEventsToCsv,
  auditExport,
  csvField,
} from "@/lib/audit/export-audit-events";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import type { AuditEventView } from "@/lib/validations/audit";

const view = (over: Partial<AuditEventView> = {}): AuditEventView => ({
  id: "ae_1",
  seq: "7",
  action: "credential.created",
  actor: { type: "user", id: "u1", label: "Ada" },
  target: { type: "credential", id: "cred_1", label: "Billing" },
  environment: "live",
  ip: "192.0.2.1",
  user_agent: "curl/8",
  before: null,
  after: { name: "Billing", scopes: ["a", "b"] },
  created_at: "2026-11-25T08:00:00.000Z",
  hash: "h1",
  prev_hash: null,
  ...over,
});

// A small RFC 4180 parser, so the tests check what a spreadsheet would read back.
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (field += c), i++;
    } else if (c === '"') (quoted = true), i++;
    else if (c === ",") row.push(field), (field = ""), i++;
    else if (c === "\r" && text[i + 1] === "\n") row.push(field), rows.push(row), (row = []), (field = ""), (i += 2);
    else (field += c), i++;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

describe("auditEventsToCsv", () => {
  it("writes a header and one CRLF-terminated row per event", () => {
    const csv = auditEventsToCsv([view(), view({ id: "ae_2", target: null, environment: null })]);
    expect(csv.endsWith("\r\n")).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(rows).toHaveLength(3);
    const rec = Object.fromEntries(AUDIT_CSV_COLUMNS.map((c, i) => [c, rows[1]![i]]));
    expect(rec).toMatchObject({
      id: "ae_1",
      actor_label: "Ada",
      target_label: "Billing",
      before: "",
      after: '{"name":"Billing","scopes":["a","b"]}',
      prev_hash: "",
    });
    expect(rows[2]![AUDIT_CSV_COLUMNS.indexOf("target_type")]).toBe("");
  });

  it("quotes commas, quotes and line breaks per RFC 4180", () => {
    const label = 'Acme, "Inc"\nsecond line';
    const csv = auditEventsToCsv([view({ actor: { type: "user", id: "u1", label } })]);
    expect(csv).toContain('"Acme, ""Inc""\nsecond line"');
    expect(parseCsv(csv)[1]![AUDIT_CSV_COLUMNS.indexOf("actor_label")]).toBe(label);
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    for (const evil of ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      expect(csvField(evil).replace(/^"/, "").startsWith("'")).toBe(true);
    }
    const csv = auditEventsToCsv([view({ target: { type: "endpoint", id: "ep", label: "=cmd|' /C calc'!A0" } })]);
    expect(parseCsv(csv)[1]![AUDIT_CSV_COLUMNS.indexOf("target_label")]).toBe("'=cmd|' /C calc'!A0");
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a=b")).toBe("a=b");
    expect(csvField(null)).toBe("");
  });
});

describe("export streams", () => {
  let db: Db;
  let orgId: string;
  const N = 13;
  // Several batches, the last one partial, so batch boundaries are crossed.
  const opts = { batchSize: 5 };
  beforeAll(async () => {
    db = await getDb();
    orgId = (await db.organization.create({ data: { name: "Acme" } })).id;
    await db.$transaction(
      async (tx) => {
        for (let i = 0; i < N; i++) {
          await recordAuditEvent(tx, {
            orgId,
            environment: i % 2 ? "live" : "test",
            ctx: { actor: { type: "system", label: i === 0 ? "=evil, \"quoted\"" : "Gatehouse" } },
            action: "event.sent",
            target: { type: "event", id: `evt_${i}` },
            after: { i },
          });
        }
      },
      { timeout: 60_000 },
    );
  });

  const read = (s: ReadableStream<Uint8Array>) => new Response(s).text();

  it("streams CSV that matches the in-memory CSV of the same events", async () => {
    const text = await read(auditEventsCsvStream(db, { orgId }, opts));
    const rows = parseCsv(text);
    expect(rows).toHaveLength(N + 1);
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(db, { orgId, limit: 100, cursor });
      all.push(...page.data);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(text).toBe(auditEventsToCsv(all));
    expect(rows[N]![AUDIT_CSV_COLUMNS.indexOf("actor_label")]).toBe("'=evil, \"quoted\"");
  });

  it("streams a JSON array of API-shaped events, honouring filters", async () => {
    const events = JSON.parse(await read(auditEventsJsonStream(db, { orgId, environment: "live" }, opts))) as AuditEventView[];
    expect(events).toHaveLength(6);
    expect(events.every((e) => e.environment === "live")).toBe(true);
    expect(events[0]!.after).toEqual({ i: 11 });
    expect(JSON.parse(await read(auditEventsJsonStream(db, { orgId, actor: "nobody" })))).toEqual([]);
    expect(parseCsv(await read(auditEventsCsvStream(db, { orgId, actor: "nobody" })))).toEqual([[...AUDIT_CSV_COLUMNS]]);
  });

  it("names the file and content type for the route", () => {
    const csv = auditExport(db, { orgId }, "csv");
    expect(csv.contentType).toBe("text/csv; charset=utf-8");
    expect(csv.filename).toMatch(/^audit-log-\d{8}-\d{6}\.csv$/);
    expect(auditExport(db, { orgId }, "json").contentType).toBe("application/json; charset=utf-8");
    void csv.body.cancel();
  });
});
