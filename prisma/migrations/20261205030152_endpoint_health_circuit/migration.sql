-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "heldReason" TEXT;

-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "circuitOpenedAt" TIMESTAMP(3),
ADD COLUMN     "circuitProbes" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failingDeliveryId" TEXT,
ADD COLUMN     "failingSince" TIMESTAMP(3),
ADD COLUMN     "failingSpread" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "nextProbeAt" TIMESTAMP(3),
ADD COLUMN     "probeDeliveryId" TEXT,
ADD COLUMN     "probeLeaseUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "EndpointHealthBucket" (
    "endpointId" TEXT NOT NULL,
    "start" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "latencyHistogram" INTEGER[],
    "lastSuccessAt" TIMESTAMP(3),

    CONSTRAINT "EndpointHealthBucket_pkey" PRIMARY KEY ("endpointId","start")
);

-- CreateIndex
CREATE INDEX "EndpointHealthBucket_start_idx" ON "EndpointHealthBucket"("start");

-- CreateIndex
CREATE INDEX "Endpoint_nextProbeAt_idx" ON "Endpoint"("nextProbeAt");

-- AddForeignKey
ALTER TABLE "EndpointHealthBucket" ADD CONSTRAINT "EndpointHealthBucket_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;
