-- AlterTable
ALTER TABLE "Credential" ADD COLUMN     "jwks" JSONB,
ADD COLUMN     "jwksFetched" JSONB,
ADD COLUMN     "jwksFetchedAt" TIMESTAMP(3),
ADD COLUMN     "jwksUrl" TEXT;

-- CreateTable
CREATE TABLE "ClientAssertionJti" (
    "credentialId" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClientAssertionJti_pkey" PRIMARY KEY ("credentialId","jti")
);

-- CreateIndex
CREATE INDEX "ClientAssertionJti_expiresAt_idx" ON "ClientAssertionJti"("expiresAt");

-- AddForeignKey
ALTER TABLE "ClientAssertionJti" ADD CONSTRAINT "ClientAssertionJti_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "Credential"("id") ON DELETE CASCADE ON UPDATE CASCADE;
