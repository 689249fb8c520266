-- AlterTable
ALTER TABLE "IdempotencyKey" ADD COLUMN     "resourceRef" TEXT;
