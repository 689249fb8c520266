import { expect, it } from "vitest";
import { serveSecurity } from "@/inngest/serve-options";

it("embedded executor: only signed syncs", () => {
  expect(serveSecurity({})).toEqual({ enableUnauthedSync: false });
});

it("Inngest Cloud / inngest start: unsigned syncs only with a configured origin, never the request's", () => {
  expect(serveSecurity({ INNGEST_SIGNING_KEY: "signkey-prod-00" })).toEqual({ serveOrigin: undefined, enableUnauthedSync: false });
  expect(serveSecurity({ INNGEST_SIGNING_KEY: "k", GATEHOUSE_PUBLIC_URL: "https://gh.example.com/some/path" })).toEqual({
    serveOrigin: "https://gh.example.com",
    enableUnauthedSync: true,
  });
  expect(serveSecurity({ INNGEST_SIGNING_KEY: "k", INNGEST_SERVE_ORIGIN: "https://a.example" }).serveOrigin).toBe("https://a.example");
  expect(serveSecurity({ INNGEST_SIGNING_KEY: "k", GATEHOUSE_PUBLIC_URL: "javascript://x" }).enableUnauthedSync).toBe(false);
});
