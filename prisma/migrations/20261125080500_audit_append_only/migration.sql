-- AuditEvent is append-only, enforced by the database so that no application bug (or a
-- hand-written query) can rewrite history. The hash chain makes tampering by the database
-- owner, who can disable this trigger, detectable; this trigger makes it deliberate.
-- Triggers are outside Prisma's data model, so `npm run db:diff` does not see them.

CREATE OR REPLACE FUNCTION "audit_event_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'AuditEvent rows are append-only: UPDATE of % refused', OLD."id"
      USING HINT = 'Record a new audit event instead of changing an old one.';
  END IF;
  -- A DELETE is allowed only as the cascade of deleting the organization itself: the foreign
  -- key's cascade runs after the Organization row is gone, so the row is no longer visible here.
  IF EXISTS (SELECT 1 FROM "Organization" WHERE "id" = OLD."orgId") THEN
    RAISE EXCEPTION 'AuditEvent rows are append-only: DELETE of % refused', OLD."id"
      USING HINT = 'Audit events are removed only together with their organization.';
  END IF;
  RETURN OLD;
END;
$$;

CREATE TRIGGER "AuditEvent_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();
