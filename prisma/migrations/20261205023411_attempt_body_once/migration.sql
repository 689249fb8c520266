-- AlterTable
ALTER TABLE "DeliveryAttempt" ALTER COLUMN "requestBody" DROP NOT NULL;
