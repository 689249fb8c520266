// Secrets kept working after a rotation until their grace period ends. A rotation moves the
// current secret to "previous" (its own columns) and keeps every earlier one that is still in its
// grace period here, so a second rotation inside a grace window does not cut off the first old
// secret at once. `value` is whatever the owner stores: a SHA-256 (client secrets) or a
// ciphertext (signing secrets).
export type GraceSecret = { value: string; until: string };

/** The stored list's entries still in their grace period at `now`. */
export function liveGraceSecrets(stored: unknown, now = new Date()): GraceSecret[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter(
    (s): s is GraceSecret => !!s && typeof s.value === "string" && typeof s.until === "string" && Date.parse(s.until) > now.getTime(),
  );
}

/** The list to store on a rotation: the outgoing previous secret (if still in grace) and the older ones still in grace. */
export function carryOverGraceSecrets(previous: { value: string | null; until: Date | null }, stored: unknown, now = new Date()): GraceSecret[] {
  const kept = liveGraceSecrets(stored, now);
  if (previous.value && previous.until && previous.until > now) kept.unshift({ value: previous.value, until: previous.until.toISOString() });
  return kept;
}
