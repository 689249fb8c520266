-- CreateTable
CREATE TABLE "CredentialPolicy" (
    "orgId" TEXT NOT NULL,
    "maxCredentialLifetimeDays" INTEGER,
    "allowedScopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "minTokenLifetimeSeconds" INTEGER,
    "maxTokenLifetimeSeconds" INTEGER,
    "developersCreateTestCredentials" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CredentialPolicy_pkey" PRIMARY KEY ("orgId")
);

-- AddForeignKey
ALTER TABLE "CredentialPolicy" ADD CONSTRAINT "CredentialPolicy_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
