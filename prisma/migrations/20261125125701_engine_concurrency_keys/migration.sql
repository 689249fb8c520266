-- AlterTable
ALTER TABLE "EngineRun" ADD COLUMN     "concurrencyKeys" TEXT[] DEFAULT ARRAY[]::TEXT[];
