-- AlterTable
ALTER TABLE "Credential" ADD COLUMN     "keysOnly" BOOLEAN NOT NULL DEFAULT false;
