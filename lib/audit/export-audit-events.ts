// Audit log exports: CSV (RFC 4180) and JSON, built in memory or streamed from the database.
import type { Db, Tx } from "@/lib/db/client";
import { iterateAuditEvents, type AuditEventFilters } from "@/lib/audit/list-audit-events";
import type { AuditEventView } from "@/lib/validations/audit";

export const AUDIT_CSV_COLUMNS = [
  "id",
  "seq",
  "created_at",
  "environment",
  "actor_type",
  "actor_id",
  "actor_label",
  "action",
  "target_type",
  "target_id",
  "target_label",
  "ip",
  "user_agent",
  "before",
  "after",
  "prev_hash",
  "hash",
] as const;

/**
 * One CSV field. Spreadsheet apps run a cell that starts with = + - @ (or tab / CR) as a
 * formula, and audit fields hold attacker-chosen text (names, user agents), so such cells get a
 * leading single quote (OWASP's advice). Then RFC 4180: quote when the field holds a quote,
 * comma or line break, doubling inner quotes.
 */
export function csvField(value: string | null | undefined): string {
  let s = value ?? "";
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function json(v: unknown): string {
  return v === null || v === undefined ? "" : JSON.stringify(v);
}

function csvRow(e: AuditEventView): string {
  const cells = [
    e.id,
    e.seq,
    e.created_at,
    e.environment,
    e.actor.type,
    e.actor.id,
    e.actor.label,
    e.action,
    e.target?.type,
    e.target?.id,
    e.target?.label,
    e.ip,
    e.user_agent,
    json(e.before),
    json(e.after),
    e.prev_hash,
    e.hash,
  ];
  return `${cells.map(csvField).join(",")}\r\n`;
}

const CSV_HEADER = `${AUDIT_CSV_COLUMNS.join(",")}\r\n`;

/** A complete CSV document (header row, CRLF line endings). */
export function auditEventsToCsv(rows: AuditEventView[]): string {
  return CSV_HEADER + rows.map(csvRow).join("");
}

export type AuditExportFormat = "csv" | "json";

export type AuditExportOptions = {
  /** Rows read from the database per query, and encoded per stream chunk (default 500). */
  batchSize?: number;
};

function streamFrom(
  rows: AsyncGenerator<AuditEventView, void, undefined>,
  rowsPerChunk: number,
  parts: { start: string; row: (e: AuditEventView, first: boolean) => string; end: string },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  let first = true;
  return new ReadableStream<Uint8Array>({
    // Pull-based: the next batch is read from the database only when the consumer is ready.
    async pull(controller) {
      let chunk = started ? "" : parts.start;
      started = true;
      for (let i = 0; i < rowsPerChunk; i++) {
        const next = await rows.next();
        if (next.done) {
          controller.enqueue(encoder.encode(chunk + parts.end));
          controller.close();
          return;
        }
        chunk += parts.row(next.value, first);
        first = false;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
}

/** CSV of every matching event, newest first, streamed. */
export function auditEventsCsvStream(
  db: Db | Tx,
  filters: AuditEventFilters,
  { batchSize = 500 }: AuditExportOptions = {},
): ReadableStream<Uint8Array> {
  return streamFrom(iterateAuditEvents(db, filters, batchSize), batchSize, { start: CSV_HEADER, row: csvRow, end: "" });
}

/** A JSON array of every matching event (the API shape), newest first, streamed. */
export function auditEventsJsonStream(
  db: Db | Tx,
  filters: AuditEventFilters,
  { batchSize = 500 }: AuditExportOptions = {},
): ReadableStream<Uint8Array> {
  return streamFrom(iterateAuditEvents(db, filters, batchSize), batchSize, {
    start: "[",
    row: (e, first) => `${first ? "\n" : ",\n"}${JSON.stringify(e)}`,
    end: "\n]\n",
  });
}

/** The stream plus what a route handler needs for the response headers. */
export function auditExport(
  db: Db | Tx,
  filters: AuditEventFilters,
  format: AuditExportFormat,
): { body: ReadableStream<Uint8Array>; contentType: string; filename: string } {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return format === "csv"
    ? { body: auditEventsCsvStream(db, filters), contentType: "text/csv; charset=utf-8", filename: `audit-log-${stamp}.csv` }
    : {
        body: auditEventsJsonStream(db, filters),
        contentType: "application/json; charset=utf-8",
        filename: `audit-log-${stamp}.json`,
      };
}
