-- AlterTable
ALTER TABLE "Credential" ADD COLUMN     "secretRegeneratedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "secretRotatedAt" TIMESTAMP(3);
