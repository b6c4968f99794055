import { expect } from "vitest";
import type { Database } from "../../db/index.js";
import type { TestClient } from "./app-server.js";
import { createOrgWithOwner, TEST_PASSWORD } from "./factories.js";

export type CrossOrgRequest = { method: "GET" | "POST"; path: string; form?: Record<string, string> };
type Victim = Awaited<ReturnType<typeof createOrgWithOwner>>;

/**
 * Tenant isolation, reusable by every route: `arrange` creates records in a victim organization and
 * returns requests that name them; each is sent by the owner of another organization (the strongest
 * role there) and must answer 404, and `verify` may then check that nothing changed.
 */
export async function expectOtherOrgGets404(
  app: { client: () => TestClient },
  db: Database,
  arrange: (victim: Victim) => Promise<CrossOrgRequest[]>,
  verify?: (victim: Victim) => Promise<void>,
) {
  const victim = await createOrgWithOwner(db, "victim");
  const attacker = await createOrgWithOwner(db, "attacker");
  const requests = await arrange(victim);
  expect(requests.length).toBeGreaterThan(0);
  const client = app.client();
  await client.signIn(attacker.owner.email, TEST_PASSWORD);
  for (const request of requests) {
    const response = request.method === "GET" ? await client.get(request.path) : await client.post(request.path, request.form ?? {});
    expect({ request, status: response.status }).toEqual({ request, status: 404 });
  }
  await verify?.(victim);
}
