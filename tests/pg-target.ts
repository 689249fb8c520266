// Where the PostgreSQL suite may create its throwaway databases: only a server on this machine,
// so a mistyped URL can never create or drop databases somewhere that matters.
export const DEFAULT_TEST_PG_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres";

/** Prefix of every database the suite creates; the global setup drops stale ones by it. */
export const TEST_DB_PREFIX = "gatehouse_test_";

export function testPgUrl(): URL {
  const raw = process.env.GATEHOUSE_TEST_PG_URL || DEFAULT_TEST_PG_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error("GATEHOUSE_TEST_PG_URL is not a valid URL");
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) {
    throw new Error("GATEHOUSE_TEST_PG_URL must start with postgres:// or postgresql://");
  }
  if (!isLocalHost(url)) {
    throw new Error(
      `Refusing to run the PostgreSQL tests against ${url.hostname || "(no host)"}: ` +
        "they create and drop databases, so only localhost, 127.0.0.0/8, ::1 or a Unix socket is allowed.",
    );
  }
  return url;
}

function isLocalHost(url: URL): boolean {
  // ?host=/var/run/postgresql selects a Unix socket, which is local by definition.
  const socket = url.searchParams.get("host");
  if (socket !== null) return socket.startsWith("/");
  const h = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The same server and credentials, another database. */
export function urlForDatabase(base: URL, database: string): string {
  const u = new URL(base.toString());
  u.pathname = `/${database}`;
  return u.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
