-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "replayRequestedAt" TIMESTAMP(3),
ADD COLUMN     "replayRequestedBy" TEXT;

-- AlterTable
ALTER TABLE "DeliveryAttempt" ADD COLUMN     "replayedAt" TIMESTAMP(3),
ADD COLUMN     "replayedBy" TEXT;
