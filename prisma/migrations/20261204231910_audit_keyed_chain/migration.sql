-- The audit chain becomes keyed (HMAC-SHA256, hashVersion 2; rows written before stay version 1),
-- and TRUNCATE, which skips row triggers, is refused like UPDATE and DELETE. A superuser can
-- still disable triggers; the keyed chain and signed checkpoints make that detectable.

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "hashVersion" INTEGER NOT NULL DEFAULT 1;

CREATE OR REPLACE FUNCTION "audit_event_no_truncate"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent rows are append-only: TRUNCATE refused'
    USING HINT = 'Audit events are removed only together with their organization.';
END;
$$;

CREATE TRIGGER "AuditEvent_no_truncate"
  BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_no_truncate"();
