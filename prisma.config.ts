// Prisma CLI configuration. The app itself connects through driver adapters (lib/db);
// this is for users with the internet who run `prisma migrate deploy` / `migrate status`.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/gatehouse" },
});
