-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "headersEncrypted" BOOLEAN NOT NULL DEFAULT false;

-- Custom header values are now encrypted by the application (the database has no key, so rows
-- written before keep plaintext until their endpoint is next saved; the application reads both).
-- What this migration can do in SQL: mask those values in the request headers recorded with
-- past attempts, as new attempts are recorded (the authorization header was masked already).
UPDATE "DeliveryAttempt" AS a
SET "requestHeaders" = (
  SELECT jsonb_object_agg(h.key, CASE WHEN (e."headers" -> h.key) IS NOT NULL THEN to_jsonb('••••••'::text) ELSE h.value END)
  FROM jsonb_each(a."requestHeaders") AS h
)
FROM "Delivery" AS d JOIN "Endpoint" AS e ON e."id" = d."endpointId"
WHERE d."id" = a."deliveryId"
  AND jsonb_typeof(a."requestHeaders") = 'object' AND a."requestHeaders" <> '{}'::jsonb
  AND jsonb_typeof(e."headers") = 'object' AND e."headers" <> '{}'::jsonb;
