-- AlterTable
ALTER TABLE "InboundMessage" ADD COLUMN     "senderMessageId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_webhookId_senderMessageId_key" ON "InboundMessage"("webhookId", "senderMessageId");
