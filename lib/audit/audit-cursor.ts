// Audit list cursors: opaque to clients, base64url of the last row's seq.

export function encodeAuditCursor(seq: bigint): string {
  return Buffer.from(seq.toString(), "utf8").toString("base64url");
}

/** The largest PostgreSQL bigint: a seq above it cannot be one of ours, and would fail the query. */
const MAX_SEQ = 2n ** 63n - 1n;

/** The seq inside a cursor, or null when the cursor is not one of ours. */
export function decodeAuditCursor(cursor: string): bigint | null {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return null;
  const s = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[1-9][0-9]{0,18}$/.test(s)) return null;
  const seq = BigInt(s);
  return seq <= MAX_SEQ ? seq : null;
}
