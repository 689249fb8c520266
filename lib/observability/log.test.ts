import { describe, expect, it } from "vitest";
import { createLogger, formatFromEnv, requestIdFrom, runInRequestContext } from "@/lib/observability/log";

function capture(level = "debug") {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level, format: "json", write: (l) => void lines.push(JSON.parse(l)) });
  return { logger, lines };
}

describe("the logger", () => {
  it("pretty-prints for a terminal (LOG_FORMAT unset), JSON elsewhere, and LOG_FORMAT decides when set", () => {
    const saved = process.env.LOG_FORMAT;
    try {
      delete process.env.LOG_FORMAT;
      expect(formatFromEnv(true)).toBe("pretty");
      expect(formatFromEnv(false)).toBe("json");
      process.env.LOG_FORMAT = "json";
      expect(formatFromEnv(true)).toBe("json");
      process.env.LOG_FORMAT = "pretty";
      expect(formatFromEnv(false)).toBe("pretty");
    } finally {
      if (saved === undefined) delete process.env.LOG_FORMAT;
      else process.env.LOG_FORMAT = saved;
    }
    const lines: string[] = [];
    const logger = createLogger({ level: "info", format: "pretty", write: (l) => void lines.push(l) });
    logger.info({ delivery_id: "msg_1", client_secret: "gsk_test_pretty" }, "delivered");
    expect(lines).toHaveLength(1);
    expect(() => JSON.parse(lines[0]!)).toThrow(); // not JSON: a line for a person
    expect(lines[0]).toMatch(/INFO.*delivered/);
    expect(lines[0]).toContain("msg_1");
    expect(lines[0]).not.toContain("gsk_test_pretty"); // still censored
    expect(lines[0]).not.toMatch(/\x1b\[/); // no colours when writing somewhere other than stdout
  });

  it("censors secret fields at the top and one level down, whatever the caller passes", () => {
    const { logger, lines } = capture();
    logger.info(
      {
        password: "hunter2-pw",
        client_secret: "gsk_test_abc",
        token: "gat_test_xyz",
        body: '{"card":"4242"}',
        headers: { authorization: "Bearer gat_test_xyz" },
        req: { authorization: "Basic Zm9vOmJhcg==", cookie: "authjs.session-token=s3cr3t", "set-cookie": "a=b" },
        delivery_id: "msg_1",
      },
      "m",
    );
    const text = JSON.stringify(lines);
    for (const s of ["hunter2-pw", "gsk_test_abc", "gat_test_xyz", "4242", "Zm9vOmJhcg", "s3cr3t", "a=b"]) expect(text).not.toContain(s);
    expect(lines[0]).toMatchObject({ delivery_id: "msg_1", password: "[redacted]", headers: "[redacted]" });
  });

  it("puts the current request's id on every line inside its context, and none outside", async () => {
    const { logger, lines } = capture();
    await runInRequestContext({ requestId: "req-abcdef12" }, async () => {
      logger.info("a");
      await new Promise((r) => setTimeout(r, 1));
      logger.warn("b");
    });
    logger.info("c");
    expect(lines.map((l) => l.req_id)).toEqual(["req-abcdef12", "req-abcdef12", undefined]);
  });

  it("honours the level: debug lines are dropped at info", () => {
    const { logger, lines } = capture("info");
    logger.debug("quiet");
    logger.info("loud");
    expect(lines.map((l) => [l.level, l.msg])).toEqual([["info", "loud"]]);
  });
});

describe("request ids", () => {
  it("keeps a well-formed incoming id and replaces anything else", () => {
    for (const ok of ["0f8fad5b-d9cb-469f-a165-70867728950e", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "abc.def_12-34"]) expect(requestIdFrom(ok)).toBe(ok);
    for (const bad of [undefined, null, "", "short", "has space in it", 'quote"quote12', "line\nbreak12", "x".repeat(65), ["a-valid-id-1", "b"], "-starts-with-dash"]) {
      const id = requestIdFrom(bad as never);
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});
