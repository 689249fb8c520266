-- CreateEnum
CREATE TYPE "EventCause" AS ENUM ('credential', 'user', 'inbound', 'system');

-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "causedById" TEXT,
ADD COLUMN     "causedByIp" TEXT,
ADD COLUMN     "causedByLabel" TEXT,
ADD COLUMN     "causedByMessageId" TEXT,
ADD COLUMN     "causedByType" "EventCause",
ADD COLUMN     "provenanceMac" TEXT;

-- CreateIndex
CREATE INDEX "Event_orgId_causedById_createdAt_idx" ON "Event"("orgId", "causedById", "createdAt");
