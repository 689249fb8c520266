-- AlterTable
ALTER TABLE "DeliveryAttempt" ADD COLUMN     "url" TEXT;
