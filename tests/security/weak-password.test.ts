// Attacks on the password rule (issue 12, finding 17): a password of ten `a`s was accepted. The
// rule lives in the shared zod schemas, so the forms and the server refuse the same passwords;
// here it is tried on the server's side, through the first-run setup action's schema and the
// invite form's, and through setupFirstAdmin's caller.
import { describe, expect, it } from "vitest";
import { acceptInviteSchema, passwordSchema, setupSchema } from "@/lib/validations/passwords";

const WEAK = [
  "aaaaaaaaaa",
  "aaaaaaaaaaaaaaaaaaaa",
  "1234567890",
  "abcdefghijkl",
  "qwertyuiop",
  "password123",
  "Password123!",
  "iloveyou2024",
  "1111111111",
  "abcabcabcabc",
  "letmein12345",
];
const STRONG = ["Correct-Horse-Battery-9!", "gatehouse keeps the keys 42", "vN4#t8qLz!pW"];

describe("password strength", () => {
  it.each(WEAK)("refuses %s with a clear message", (password) => {
    const r = passwordSchema.safeParse(password);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/easy to guess|commonly used|most used|Use at least/);
    const setup = setupSchema.safeParse({ name: "Ada", email: "ada@example.com", password, orgName: "Acme" });
    expect(setup.success).toBe(false);
    expect(setup.error!.issues.map((i) => i.path.join("."))).toContain("password");
    expect(acceptInviteSchema.safeParse({ name: "Ada", password }).success).toBe(false);
  });

  it.each(STRONG)("accepts %s", (password) => {
    expect(passwordSchema.safeParse(password).success).toBe(true);
    expect(setupSchema.safeParse({ name: "Ada", email: "ada@example.com", password, orgName: "Acme" }).success).toBe(true);
  });

  it("refuses a password made of the account's own name, email or organization", () => {
    const r = setupSchema.safeParse({ name: "Ada Lovelace", email: "ada.lovelace@example.com", password: "adalovelace2026", orgName: "Acme" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.find((i) => i.path[0] === "password")?.message).toMatch(/name, email or organization|easy to guess/);
  });
});
