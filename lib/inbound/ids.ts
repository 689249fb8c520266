// Public ids: incoming webhooks `iwh_…` (part of the receiving URL) and messages `imsg_…`,
// time-ordered like event and delivery ids so they sort by creation.
import { timeOrderedId } from "@/lib/webhooks/ids";

export const newInboundWebhookId = () => `iwh_${timeOrderedId()}`;
export const newInboundMessageId = () => `imsg_${timeOrderedId()}`;
export const INBOUND_ID_RE = /^iwh_[0-9a-z]{26}$/;
export const newInboundRejectionId = () => `irej_${timeOrderedId()}`;
