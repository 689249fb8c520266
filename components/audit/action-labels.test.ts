import { describe, expect, it } from "vitest";
import { ACTION_LABELS, actionLabel } from "@/components/audit/action-labels";

describe("audit action labels", () => {
  it("names known actions in plain words and reads unknown ones as words", () => {
    expect(actionLabel("credential.revoked")).toBe("Credential revoked");
    expect(actionLabel("delivery.bulk_replayed")).toBe("Failed deliveries replayed");
    expect(actionLabel("widget.gear_turned")).toBe("Widget gear turned");
    expect(actionLabel("")).toBe("");
  });
  it("has a label for every action the code records", async () => {
    const { execSync } = await import("node:child_process");
    const out = execSync(`grep -rhoE 'action: "[a-z_]+\\.[a-z_]+"|"[a-z_]+\\.[a-z_]+" : "[a-z_]+\\.[a-z_]+"' lib --include=*.ts --exclude=*.test.ts`, { encoding: "utf8" });
    const actions = new Set([...out.matchAll(/"([a-z_]+\.[a-z_]+)"/g)].map((m) => m[1]!));
    expect(actions.size).toBeGreaterThan(20);
    for (const a of actions) expect(ACTION_LABELS, a).toHaveProperty([a]);
  });
});
