import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

it("db/types.ts matches the migrated schema (run `npm run db:codegen` after a migration)", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, "node_modules/kysely-codegen/dist/cli/bin.js"), "--verify", "--url", process.env.DATABASE_URL!], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1" },
  });
  expect(stdout).toMatch(/up-to-date|up to date/i);
}, 60_000);
