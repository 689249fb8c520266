-- AlterTable
ALTER TABLE "EngineRun" ADD COLUMN     "batchKey" TEXT;

-- CreateIndex
CREATE INDEX "EngineRun_functionId_batchKey_createdAt_idx" ON "EngineRun"("functionId", "batchKey", "createdAt");
