// npm run db:migrate: applies pending migrations to DATABASE_URL (or the embedded PGlite).
import { getDriver, rawSql } from "@/lib/db/driver";
import { migrate } from "@/lib/db/migrate";

const driver = await getDriver();
const applied = await migrate(rawSql(driver));
console.log(
  applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}` : "Database is up to date.",
  `\n(${driver.location})`,
);
if (driver.kind === "pglite") await driver.pglite.close();
else await driver.pool.end();
