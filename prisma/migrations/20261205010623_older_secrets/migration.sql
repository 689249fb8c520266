-- AlterTable
ALTER TABLE "Credential" ADD COLUMN     "olderSecrets" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "olderSecrets" JSONB NOT NULL DEFAULT '[]';
