-- AlterTable
ALTER TABLE "Credential" ADD COLUMN     "graceEndsWhenUnusedSeconds" INTEGER,
ADD COLUMN     "previousSecretLast4" TEXT;

-- CreateTable
CREATE TABLE "CredentialSecretUse" (
    "credentialId" TEXT NOT NULL,
    "secretTag" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "lastUsedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CredentialSecretUse_pkey" PRIMARY KEY ("credentialId","secretTag","bucket","ip")
);

-- CreateIndex
CREATE INDEX "CredentialSecretUse_credentialId_ip_idx" ON "CredentialSecretUse"("credentialId", "ip");

-- CreateIndex
CREATE INDEX "CredentialSecretUse_bucket_idx" ON "CredentialSecretUse"("bucket");

-- AddForeignKey
ALTER TABLE "CredentialSecretUse" ADD CONSTRAINT "CredentialSecretUse_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "Credential"("id") ON DELETE CASCADE ON UPDATE CASCADE;
