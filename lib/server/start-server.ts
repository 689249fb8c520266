// Start-up: validate configuration, open and migrate the database, generate the embedded
// secrets, and print where the console is.
import { ensureDatabase } from "@/lib/db/client";
import { encryptionKey } from "@/lib/crypto/encryption";
import { env } from "@/lib/env";

export async function startServer(): Promise<void> {
  try {
    env();
    encryptionKey();
    const driver = await ensureDatabase();
    const port = process.env.PORT ?? "3000";
    console.log(`[gatehouse] database: ${driver.kind === "pglite" ? `PGlite at ${driver.location}` : driver.location}`);
    console.log(`[gatehouse] console ready at http://localhost:${port}`);
  } catch (err) {
    console.error(`\n[gatehouse] cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
