-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "payloadBytes" INTEGER;
