-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "InboundVerification" ADD VALUE 'github';
ALTER TYPE "InboundVerification" ADD VALUE 'stripe';
ALTER TYPE "InboundVerification" ADD VALUE 'shopify';
ALTER TYPE "InboundVerification" ADD VALUE 'slack';

-- DropIndex
DROP INDEX "InboundMessage_webhookId_senderMessageId_key";

-- AlterTable
ALTER TABLE "InboundMessage" ADD COLUMN     "tokenLast4" TEXT;

-- AlterTable
ALTER TABLE "InboundWebhook" ADD COLUMN     "dedupWindowSeconds" INTEGER NOT NULL DEFAULT 259200,
ADD COLUMN     "previousTokenHash" TEXT,
ADD COLUMN     "previousTokenLast4" TEXT,
ADD COLUMN     "previousTokenLastUsedAt" TIMESTAMP(3),
ADD COLUMN     "previousTokenLastUsedIp" TEXT,
ADD COLUMN     "previousTokenUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "InboundDedupKey" (
    "webhookId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboundDedupKey_pkey" PRIMARY KEY ("webhookId","key")
);

-- CreateTable
CREATE TABLE "InboundRejection" (
    "id" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "environment" "Environment" NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "method" TEXT NOT NULL,
    "sourceIp" TEXT,
    "userAgent" TEXT,
    "status" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "bodySize" INTEGER,
    "tokenLast4" TEXT,

    CONSTRAINT "InboundRejection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InboundDedupKey_expiresAt_idx" ON "InboundDedupKey"("expiresAt");

-- CreateIndex
CREATE INDEX "InboundRejection_webhookId_receivedAt_idx" ON "InboundRejection"("webhookId", "receivedAt");

-- CreateIndex
CREATE INDEX "InboundRejection_receivedAt_idx" ON "InboundRejection"("receivedAt");

-- CreateIndex
CREATE INDEX "InboundMessage_webhookId_senderMessageId_idx" ON "InboundMessage"("webhookId", "senderMessageId");

-- AddForeignKey
ALTER TABLE "InboundDedupKey" ADD CONSTRAINT "InboundDedupKey_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "InboundWebhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundRejection" ADD CONSTRAINT "InboundRejection_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "InboundWebhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing rows keep working: Standard Webhooks ids received so far stay deduplicated for the
-- default window (3 days) from when they arrived.
INSERT INTO "InboundDedupKey" ("webhookId", "key", "messageId", "expiresAt")
SELECT "webhookId", "senderMessageId", "id", "receivedAt" + interval '259200 seconds'
  FROM "InboundMessage" WHERE "senderMessageId" IS NOT NULL
ON CONFLICT DO NOTHING;
