-- CreateEnum
CREATE TYPE "EndpointOrdering" AS ENUM ('none', 'fifo');

-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "maxInFlight" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "ordering" "EndpointOrdering" NOT NULL DEFAULT 'none',
ADD COLUMN     "rateLimitPerSecond" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "EndpointThrottle" (
    "endpointId" TEXT NOT NULL,
    "leases" JSONB NOT NULL DEFAULT '{}',
    "nextStartAt" TIMESTAMP(3),
    "pausedUntil" TIMESTAMP(3),

    CONSTRAINT "EndpointThrottle_pkey" PRIMARY KEY ("endpointId")
);

-- AddForeignKey
ALTER TABLE "EndpointThrottle" ADD CONSTRAINT "EndpointThrottle_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;
