-- CreateEnum
CREATE TYPE "EngineRunStatus" AS ENUM ('queued', 'running', 'completed', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "EngineFunction" (
    "id" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EngineFunction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EngineCron" (
    "functionId" TEXT NOT NULL,
    "schedule" TEXT NOT NULL,
    "nextAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EngineCron_pkey" PRIMARY KEY ("functionId","schedule")
);

-- CreateTable
CREATE TABLE "EngineEvent" (
    "id" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "matchedAt" TIMESTAMP(3),

    CONSTRAINT "EngineEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EngineRun" (
    "id" TEXT NOT NULL,
    "functionId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "events" JSONB NOT NULL,
    "status" "EngineRunStatus" NOT NULL DEFAULT 'queued',
    "steps" JSONB NOT NULL DEFAULT '{}',
    "stack" JSONB NOT NULL DEFAULT '[]',
    "queue" JSONB NOT NULL DEFAULT '[]',
    "nextAt" TIMESTAMP(3),
    "maxAttempts" INTEGER NOT NULL,
    "disableImmediate" BOOLEAN NOT NULL DEFAULT false,
    "idempotencyKey" TEXT,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "calls" INTEGER NOT NULL DEFAULT 0,
    "output" JSONB,
    "error" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "EngineRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EngineFunction_appId_idx" ON "EngineFunction"("appId");

-- CreateIndex
CREATE UNIQUE INDEX "EngineEvent_externalId_key" ON "EngineEvent"("externalId");

-- CreateIndex
CREATE INDEX "EngineEvent_matchedAt_receivedAt_idx" ON "EngineEvent"("matchedAt", "receivedAt");

-- CreateIndex
CREATE INDEX "EngineRun_status_nextAt_idx" ON "EngineRun"("status", "nextAt");

-- CreateIndex
CREATE INDEX "EngineRun_functionId_createdAt_idx" ON "EngineRun"("functionId", "createdAt");

-- CreateIndex
CREATE INDEX "EngineRun_eventId_idx" ON "EngineRun"("eventId");

-- CreateIndex
CREATE UNIQUE INDEX "EngineRun_functionId_idempotencyKey_key" ON "EngineRun"("functionId", "idempotencyKey");
