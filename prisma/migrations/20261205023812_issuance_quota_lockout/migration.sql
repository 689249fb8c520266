-- AlterTable
ALTER TABLE "Credential" ADD COLUMN     "lockedUntil" TIMESTAMP(3),
ADD COLUMN     "tokensPerDay" INTEGER,
ADD COLUMN     "tokensPerHour" INTEGER;

-- CreateTable
CREATE TABLE "CredentialIssuance" (
    "credentialId" TEXT NOT NULL,
    "hourStart" TIMESTAMP(3) NOT NULL,
    "hourCount" INTEGER NOT NULL,
    "dayStart" TIMESTAMP(3) NOT NULL,
    "dayCount" INTEGER NOT NULL,
    "granted" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CredentialIssuance_pkey" PRIMARY KEY ("credentialId")
);

-- AddForeignKey
ALTER TABLE "CredentialIssuance" ADD CONSTRAINT "CredentialIssuance_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "Credential"("id") ON DELETE CASCADE ON UPDATE CASCADE;
