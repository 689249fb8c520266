-- Event types become per environment, so test mode can no longer archive or change a type that
-- live events depend on. Every existing type is kept in both environments: the row becomes the
-- test one and a copy (same name, description, schema, archived state) becomes the live one.

-- DropIndex
DROP INDEX "EventType_orgId_name_key";

-- AlterTable
ALTER TABLE "EventType" ADD COLUMN     "environment" "Environment" NOT NULL DEFAULT 'test';

INSERT INTO "EventType" ("id", "orgId", "environment", "name", "description", "schema", "archivedAt", "createdAt", "updatedAt")
SELECT 'c' || replace(gen_random_uuid()::text, '-', ''), "orgId", 'live', "name", "description", "schema", "archivedAt", "createdAt", "updatedAt"
  FROM "EventType";

ALTER TABLE "EventType" ALTER COLUMN "environment" DROP DEFAULT;

-- CreateIndex
CREATE UNIQUE INDEX "EventType_orgId_environment_name_key" ON "EventType"("orgId", "environment", "name");
