import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { startTestApp, type TestApp } from "../support/app-server.js";
import { createOrgWithOwner, TEST_PASSWORD, uniqueEmail } from "../support/factories.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const signUpForm = (overrides: Record<string, string> = {}) => ({
  name: "Ana Souza",
  email: uniqueEmail("ana"),
  password: "senha-forte-123",
  orgName: "Padaria da Ana",
  ...overrides,
});

describe("sign-up", () => {
  it("creates the account and its organization, signs in and lands on the dashboard", async () => {
    const client = app.client();
    const response = await client.post("/signup", signUpForm());
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/dashboard");
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith("__session="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const dashboard = await client.get("/dashboard");
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain("Padaria da Ana");
  });

  it.each([
    ["malformed email", { email: "not-an-email" }, 400, "Informe um e-mail válido."],
    ["short password", { password: "short" }, 400, "A senha precisa de pelo menos 8 caracteres."],
    ["missing organization name", { orgName: "" }, 400, "Campo obrigatório."],
  ])("refuses a %s with the message beside the field", async (_label, overrides, status, message) => {
    const response = await app.client().post("/signup", signUpForm(overrides));
    expect(response.status).toBe(status);
    const html = await response.text();
    expect(html).toContain(message);
    expect(html).toMatch(/aria-invalid="true"/);
  });

  it("refuses a duplicate email with 409 and a clear message, keeping the first account", async () => {
    const email = uniqueEmail("dup");
    expect((await app.client().post("/signup", signUpForm({ email }))).status).toBe(302);
    const response = await app.client().post("/signup", signUpForm({ email: email.toUpperCase() }));
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("Já existe uma conta com este e-mail");
    const users = await getDb().selectFrom("users").select("id").where("email", "=", email).execute();
    expect(users).toHaveLength(1);
  });

  it("answers 413 to an oversized body instead of reading it", async () => {
    const response = await app.client().request("POST", "/signup", { body: "x".repeat(3 * 1024 * 1024), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });
});

describe("sign-in", () => {
  it("refuses a wrong password with a form error", async () => {
    const { owner } = await createOrgWithOwner(getDb());
    const response = await app.client().post("/login", { email: owner.email, password: "wrong-password" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("E-mail ou senha incorretos.");
  });

  it("issues a new session id at every sign-in and ends the one the browser held", async () => {
    const { owner } = await createOrgWithOwner(getDb());
    const client = app.client();
    await client.signIn(owner.email, TEST_PASSWORD);
    const first = client.cookie("__session");
    const stale = app.client();
    await stale.request("GET", "/dashboard", { headers: { Cookie: `__session=${first}` } });
    await client.signIn(owner.email, TEST_PASSWORD);
    const second = client.cookie("__session");
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    const reuse = await app.client().get("/dashboard", { Cookie: `__session=${first}` });
    expect(reuse.status).toBe(302);
    expect(reuse.headers.get("location")).toBe("/login?redirectTo=%2Fdashboard");
  });

  it("stores only a hash of the session id", async () => {
    const { owner } = await createOrgWithOwner(getDb());
    const client = app.client();
    await client.signIn(owner.email, TEST_PASSWORD);
    const rawId = decodeURIComponent(client.cookie("__session")!);
    const rows = await getDb().selectFrom("sessions").select("id_hash").where("user_id", "=", owner.id).execute();
    expect(rows).toHaveLength(1);
    expect(rawId).not.toContain(rows[0]!.id_hash);
  });

  it("limits attempts per email with a clear message and Retry-After", async () => {
    const { owner } = await createOrgWithOwner(getDb());
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 9; attempt++) {
      statuses.push((await app.client().post("/login", { email: owner.email, password: "guess-" + attempt })).status);
    }
    expect(statuses.slice(0, 8).every((status) => status === 400)).toBe(true);
    const blocked = await app.client().post("/login", { email: owner.email, password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await blocked.text()).toMatch(/Muitas tentativas\. Tente novamente em \d+ min\./);
  });

  it("sends a signed-out visitor to the sign-in page, remembering where they were going", async () => {
    const response = await app.client().get("/settings/team");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fteam");
  });

  it("never redirects off-site after sign-in", async () => {
    const { owner } = await createOrgWithOwner(getDb());
    const response = await app.client().post("/login", { email: owner.email, password: TEST_PASSWORD, redirectTo: "//evil.example/phish" });
    expect(response.headers.get("location")).toBe("/dashboard");
  });
});

describe("sessions", () => {
  it("sign out ends this session only; sign out everywhere ends all of them", async () => {
    const { owner } = await createOrgWithOwner(getDb());
    const [laptop, phone, tablet] = [app.client(), app.client(), app.client()];
    for (const device of [laptop, phone, tablet]) await device.signIn(owner.email, TEST_PASSWORD);
    await tablet.post("/logout", {});
    expect((await tablet.get("/dashboard")).status).toBe(302);
    expect((await phone.get("/dashboard")).status).toBe(200);

    const everywhere = await laptop.post("/logout", { intent: "everywhere" });
    expect(everywhere.status).toBe(302);
    expect((await phone.get("/dashboard")).status).toBe(302);
    expect((await laptop.get("/dashboard")).status).toBe(302);
  });
});

describe("cross-site protection", () => {
  it("refuses a cookie-authenticated write from another origin, or with no origin at all", async () => {
    const { owner } = await createOrgWithOwner(getDb());
    const client = app.client();
    await client.signIn(owner.email, TEST_PASSWORD);
    const forged = await client.post("/orgs/new", { name: "Evil Corp" }, { Origin: "https://evil.example" });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: "forbidden_origin" } });
    const headerless = await fetch(new URL("/orgs/new", app.baseUrl), { method: "POST", body: new URLSearchParams({ name: "x" }), redirect: "manual" });
    expect(headerless.status).toBe(403);
  });
});

describe("language", () => {
  it("serves pt-BR by default and English to an English browser", async () => {
    expect(await (await app.client().get("/login")).text()).toContain("Entre na sua conta");
    const english = await (await app.client().get("/login", { "Accept-Language": "en-US,en;q=0.9" })).text();
    expect(english).toContain("Sign in to your account");
    expect(english).toContain('lang="en"');
  });

  it("keeps a user's chosen language over the browser's", async () => {
    const { owner } = await createOrgWithOwner(getDb());
    const client = app.client();
    await client.signIn(owner.email, TEST_PASSWORD);
    expect((await client.post("/settings/profile", { locale: "en" })).status).toBe(302);
    const page = await (await client.get("/dashboard", { "Accept-Language": "pt-BR" })).text();
    expect(page).toContain("Dashboard");
    expect(page).toContain('lang="en"');
  });
});
