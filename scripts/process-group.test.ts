import { expect, it } from "vitest";
import { formatLogLine } from "./process-group";

it("turns pino JSON into a readable line and leaves other output alone", () => {
  const line = JSON.stringify({ level: 30, time: 1, process: "web", msg: "request", method: "GET", status: 200 });
  expect(formatLogLine(line)).toBe('INFO request {"method":"GET","status":200}');
  expect(formatLogLine("[info] built (1.2s)")).toBe("[info] built (1.2s)");
  expect(formatLogLine("{not json")).toBe("{not json");
});
