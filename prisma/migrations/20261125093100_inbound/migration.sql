-- CreateEnum
CREATE TYPE "InboundHandler" AS ENUM ('store', 'event', 'forward');

-- CreateEnum
CREATE TYPE "InboundStatus" AS ENUM ('active', 'inactive');

-- CreateEnum
CREATE TYPE "InboundVerification" AS ENUM ('none', 'standard_webhooks', 'hmac_sha256');

-- CreateEnum
CREATE TYPE "InboundOutcome" AS ENUM ('stored', 'emitted', 'forwarded', 'failed');

-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "inboundWebhookId" TEXT;

-- CreateTable
CREATE TABLE "InboundWebhook" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "environment" "Environment" NOT NULL,
    "name" TEXT NOT NULL,
    "handler" "InboundHandler" NOT NULL,
    "eventType" TEXT,
    "verification" "InboundVerification" NOT NULL DEFAULT 'none',
    "verificationSecretEncrypted" TEXT,
    "signatureHeader" TEXT,
    "tokenHash" TEXT NOT NULL,
    "tokenLast4" TEXT NOT NULL,
    "tokenRegeneratedAt" TIMESTAMP(3),
    "status" "InboundStatus" NOT NULL DEFAULT 'active',
    "rateLimitPerMinute" INTEGER NOT NULL DEFAULT 600,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboundWebhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundMessage" (
    "id" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "environment" "Environment" NOT NULL,
    "method" TEXT NOT NULL,
    "query" TEXT,
    "headers" JSONB NOT NULL,
    "contentType" TEXT,
    "body" BYTEA NOT NULL,
    "bodySize" INTEGER NOT NULL,
    "sourceIp" TEXT,
    "outcome" "InboundOutcome" NOT NULL,
    "error" TEXT,
    "eventId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InboundWebhook_tokenHash_key" ON "InboundWebhook"("tokenHash");

-- CreateIndex
CREATE INDEX "InboundWebhook_orgId_environment_createdAt_idx" ON "InboundWebhook"("orgId", "environment", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_eventId_key" ON "InboundMessage"("eventId");

-- CreateIndex
CREATE INDEX "InboundMessage_webhookId_receivedAt_idx" ON "InboundMessage"("webhookId", "receivedAt");

-- CreateIndex
CREATE INDEX "InboundMessage_webhookId_outcome_receivedAt_idx" ON "InboundMessage"("webhookId", "outcome", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Endpoint_inboundWebhookId_key" ON "Endpoint"("inboundWebhookId");

-- AddForeignKey
ALTER TABLE "InboundWebhook" ADD CONSTRAINT "InboundWebhook_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundMessage" ADD CONSTRAINT "InboundMessage_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "InboundWebhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundMessage" ADD CONSTRAINT "InboundMessage_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Endpoint" ADD CONSTRAINT "Endpoint_inboundWebhookId_fkey" FOREIGN KEY ("inboundWebhookId") REFERENCES "InboundWebhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;
