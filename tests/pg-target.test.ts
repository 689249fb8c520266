import { afterEach, describe, expect, it } from "vitest";
import { testPgUrl, urlForDatabase } from "./pg-target";

const saved = process.env.GATEHOUSE_TEST_PG_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.GATEHOUSE_TEST_PG_URL;
  else process.env.GATEHOUSE_TEST_PG_URL = saved;
});

function check(url: string) {
  process.env.GATEHOUSE_TEST_PG_URL = url;
  return () => testPgUrl();
}

describe("PostgreSQL test target", () => {
  it("accepts local servers only", () => {
    expect(check("postgres://u:p@127.0.0.1:5432/postgres")).not.toThrow();
    expect(check("postgres://u:p@localhost/postgres")).not.toThrow();
    expect(check("postgresql://u:p@[::1]:5433/postgres")).not.toThrow();
    expect(check("postgres://u@x/postgres?host=/var/run/postgresql")).not.toThrow();
  });

  it("refuses remote hosts, look-alikes and other schemes", () => {
    expect(check("postgres://u:p@db.example.com/postgres")).toThrow(/Refusing/);
    expect(check("postgres://u:p@10.0.0.5/postgres")).toThrow(/Refusing/);
    expect(check("postgres://u:p@127.0.0.1.example.com/postgres")).toThrow(/Refusing/);
    expect(check("postgres://u:p@localhost.example.com/postgres")).toThrow(/Refusing/);
    expect(check("postgres://u@localhost/postgres?host=db.example.com")).toThrow(/Refusing/);
    expect(check("mysql://u:p@127.0.0.1/postgres")).toThrow(/postgres:\/\//);
  });

  it("swaps only the database name", () => {
    const url = urlForDatabase(new URL("postgres://u:p%40ss@127.0.0.1:5432/postgres?sslmode=disable"), "t_1");
    expect(url).toBe("postgres://u:p%40ss@127.0.0.1:5432/t_1?sslmode=disable");
  });
});
