// npm run db:migrate: applies pending migrations to DATABASE_URL (or the embedded PGlite).
import { getDriver, withRawSql } from "@/lib/db/driver";
import { migrate } from "@/lib/db/migrate";

const driver = await getDriver();
const applied = await withRawSql(driver, (sql) => migrate(sql));
console.log(
  applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}` : "Database is up to date.",
  `\n(${driver.location})`,
);
if (driver.kind === "pglite") await driver.pglite.close();
else await driver.pool.end();
