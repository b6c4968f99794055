import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { type FakeAccount, type FakeOAuthProvider, type FakeProviderName, startFakeOAuthProvider } from "../fakes/oauth-provider.js";
import { startTestApp, type TestApp, type TestClient } from "../support/app-server.js";
import { createOrgWithOwner, TEST_PASSWORD, uniqueEmail } from "../support/factories.js";

// Client ids, secrets and the fakes' ports come from tests/support/worker-setup.ts (the built app read them from env).
const env = process.env;
const callbackUrl = (provider: FakeProviderName) => `${env.APP_URL}/auth/${provider}/callback`;
const fakes = {} as Record<FakeProviderName, FakeOAuthProvider>;
let app: TestApp;

beforeAll(async () => {
  fakes.google = await startFakeOAuthProvider({
    provider: "google",
    clientId: env.GOOGLE_CLIENT_ID!,
    clientSecret: env.GOOGLE_CLIENT_SECRET!,
    redirectUris: [callbackUrl("google")],
    port: Number(new URL(env.GOOGLE_OAUTH_BASE_URL!).port),
  });
  fakes.facebook = await startFakeOAuthProvider({
    provider: "facebook",
    clientId: env.FACEBOOK_CLIENT_ID!,
    clientSecret: env.FACEBOOK_CLIENT_SECRET!,
    redirectUris: [callbackUrl("facebook")],
    port: Number(new URL(env.FACEBOOK_OAUTH_BASE_URL!).port),
  });
  app = await startTestApp();
});
afterEach(() => {
  fakes.google.reset();
  fakes.facebook.reset();
});
afterAll(async () => {
  await app.close();
  await Promise.all([fakes.google.close(), fakes.facebook.close()]);
});

const account = (overrides: Partial<FakeAccount> = {}): FakeAccount => ({ email: uniqueEmail("oauth"), name: "Rita Alves", emailVerified: true, ...overrides });

/** Clicks "Continue with …" and returns the provider's consent page address. */
async function startFlow(client: TestClient, provider: FakeProviderName, redirectTo?: string) {
  const start = await client.post(`/auth/${provider}`, redirectTo ? { redirectTo } : {});
  expect(start.status).toBe(302);
  const authorizeUrl = new URL(start.headers.get("location")!);
  expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${fakes[provider].baseUrl}${fakes[provider].paths.authorize}`);
  expect(authorizeUrl.searchParams.get("redirect_uri")).toBe(callbackUrl(provider));
  return authorizeUrl;
}

/** Fills the fake's consent form like a person would and returns where the provider sends the browser back. */
async function consent(authorizeUrl: URL, who: FakeAccount) {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('name="email"');
  const form = new URLSearchParams({ email: who.email, name: who.name, decision: "allow", ...(who.emailVerified ? { email_verified: "true" } : {}) });
  const answer = await fetch(authorizeUrl, { method: "POST", body: form, redirect: "manual" });
  expect(answer.status).toBe(302);
  const back = new URL(answer.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(callbackUrl(authorizeUrl.pathname.startsWith("/dialog") ? "facebook" : "google"));
  return `${back.pathname}${back.search}`;
}

async function signInWith(client: TestClient, provider: FakeProviderName, who: FakeAccount, redirectTo?: string) {
  return client.get(await consent(await startFlow(client, provider, redirectTo), who));
}

/** Follows the app's own redirects like a browser; returns the last response and the path it came from. */
async function follow(client: TestClient, response: Response) {
  let path = "";
  for (let hops = 0; hops < 5 && response.status >= 300 && response.status < 400; hops++) {
    const next = new URL(response.headers.get("location")!, app.baseUrl);
    path = `${next.pathname}${next.search}`;
    response = await client.get(path);
  }
  return { response, path };
}

/** Back on the sign-in page, where the signed toast cookie shows the reason (never a message taken from the URL). */
async function expectRefused(client: TestClient, response: Response, message: string) {
  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe("/login");
  expect(await (await client.get("/login")).text()).toContain(message);
}

const identitiesOf = (userId: string) => getDb().selectFrom("user_identities").selectAll().where("user_id", "=", userId).execute();
const userByEmail = (email: string) => getDb().selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
const requestsTo = (provider: FakeProviderName, path: string) => fakes[provider].requests.filter((request) => request.path === path);

describe("Google sign-in", () => {
  it("creates an account for a new verified email, sends it to create an organization, and reuses the identity next time", async () => {
    const who = account();
    const client = app.client();
    const callback = await signInWith(client, "google", who);
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe("/dashboard");
    expect(client.cookie("__auth_handshake")).toBeUndefined();

    const { response: page, path } = await follow(client, callback);
    expect(path).toBe("/orgs/new");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Bem-vindo(a), ${who.name}!`);

    const user = await userByEmail(who.email);
    expect(user).toMatchObject({ name: who.name, password_hash: null });
    expect(user!.email_verified_at).toBeInstanceOf(Date);
    expect(await identitiesOf(user!.id)).toMatchObject([{ provider: "google", provider_user_id: fakes.google.accountId(who.email), email: who.email }]);

    // What went over the wire: the code exchanged with our secret and callback, the profile read with the token.
    const [tokenRequest] = requestsTo("google", "/token");
    expect(tokenRequest!.body).toMatchObject({ grant_type: "authorization_code", client_id: env.GOOGLE_CLIENT_ID, client_secret: env.GOOGLE_CLIENT_SECRET, redirect_uri: callbackUrl("google") });
    expect(requestsTo("google", "/oauth2/v3/userinfo")[0]!.headers.authorization).toMatch(/^Bearer ya29\./);

    expect((await client.post("/orgs/new", { name: "Doceria da Rita" })).status).toBe(302);
    expect(await (await client.get("/dashboard")).text()).toContain("Doceria da Rita");

    const again = app.client();
    const second = await signInWith(again, "google", who);
    expect(second.headers.get("location")).toBe("/dashboard");
    const dashboard = await again.get("/dashboard");
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain("Doceria da Rita");
    expect(await identitiesOf(user!.id)).toHaveLength(1);
    expect(await getDb().selectFrom("users").select("id").where("email", "=", who.email).execute()).toHaveLength(1);
  });

  it("links a verified email to the existing password account and records it in the audit log", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "linked");
    const client = app.client();
    const callback = await signInWith(client, "google", account({ email: owner.email.toUpperCase(), name: "Someone Else" }), "/settings/profile");
    expect(callback.headers.get("location")).toBe("/settings/profile");

    const profile = await client.get("/settings/profile");
    expect(profile.status).toBe(200);
    expect(await profile.text()).toContain(owner.email);
    const session = await db.selectFrom("sessions").select(["user_id", "current_org_id"]).where("user_id", "=", owner.id).executeTakeFirstOrThrow();
    expect(session.current_org_id).toBe(org.id);
    expect(await identitiesOf(owner.id)).toMatchObject([{ provider: "google", provider_user_id: fakes.google.accountId(owner.email) }]);
    const audit = await db.selectFrom("audit_log").selectAll().where("org_id", "=", org.id).where("action", "=", "user.identityLinked").execute();
    expect(audit).toMatchObject([{ actor_id: owner.id, metadata: { provider: "google" } }]);
    expect((await userByEmail(owner.email))!.name).toBe(owner.name);

    // The password account was never verified, so whoever set its password may not own the address:
    // the password and the account's other sessions end, and the verified owner keeps the account.
    expect((await app.client().post("/login", { email: owner.email, password: TEST_PASSWORD })).status).toBe(400);
    expect((await userByEmail(owner.email))!.email_verified_at).not.toBeNull();
  });

  it("refuses an unverified email that belongs to an existing account, without linking it", async () => {
    const { owner } = await createOrgWithOwner(getDb(), "victim");
    const client = app.client();
    const callback = await signInWith(client, "google", account({ email: owner.email, emailVerified: false }));
    await expectRefused(client, callback, "Seu e-mail em Google não está verificado. Entre com senha e vincule a conta depois.");
    expect(client.cookie("__session")).toBeUndefined();
    expect(await identitiesOf(owner.id)).toHaveLength(0);
  });

  it("refuses to create an account from an unverified email", async () => {
    const who = account({ emailVerified: false });
    const client = app.client();
    const callback = await signInWith(client, "google", who);
    await expectRefused(client, callback, "Google não informou um e-mail verificado. Verifique seu e-mail em Google ou crie uma conta com senha.");
    expect(await userByEmail(who.email)).toBeUndefined();
  });

  it("refuses a callback whose state does not match this browser's (CSRF), before exchanging the code", async () => {
    const client = app.client();
    const callbackPath = await consent(await startFlow(client, "google"), account());
    const forged = callbackPath.replace(/state=[^&]+/, "state=attacker-chosen");
    await expectRefused(client, await client.get(forged), "Não foi possível entrar com Google. Tente novamente.");

    // Another browser (no handshake cookie) handed the victim's callback link is refused too.
    const other = app.client();
    await expectRefused(other, await other.get(callbackPath), "Não foi possível entrar com Google. Tente novamente.");
    expect(requestsTo("google", "/token")).toHaveLength(0);
    expect(other.cookie("__session")).toBeUndefined();
  });

  it("shows the failure message when the token endpoint fails", async () => {
    fakes.google.failTokenEndpoint({ status: 503 });
    const who = account();
    const client = app.client();
    await expectRefused(client, await signInWith(client, "google", who), "Não foi possível entrar com Google. Tente novamente.");
    expect(client.cookie("__session")).toBeUndefined();
    expect(await userByEmail(who.email)).toBeUndefined();
  });

  it("treats a denied consent as a failed sign-in", async () => {
    const client = app.client();
    const authorizeUrl = await startFlow(client, "google");
    const denied = await fetch(authorizeUrl, { method: "POST", body: new URLSearchParams({ decision: "deny" }), redirect: "manual" });
    const back = new URL(denied.headers.get("location")!);
    expect(back.searchParams.get("error")).toBe("access_denied");
    await expectRefused(client, await client.get(`${back.pathname}${back.search}`), "Não foi possível entrar com Google. Tente novamente.");
  });

  it("only ever returns to a same-site path", async () => {
    const { owner } = await createOrgWithOwner(getDb(), "redirect");
    const callback = await signInWith(app.client(), "google", account({ email: owner.email }), "//evil.example/phish");
    expect(callback.headers.get("location")).toBe("/dashboard");
  });
});

describe("Facebook sign-in", () => {
  it("creates an account from the verified email and signs the same person in again", async () => {
    const who = account({ name: "Caio Prado" });
    const client = app.client();
    const { path } = await follow(client, await signInWith(client, "facebook", who));
    expect(path).toBe("/orgs/new");
    const user = await userByEmail(who.email);
    expect(await identitiesOf(user!.id)).toMatchObject([{ provider: "facebook", provider_user_id: fakes.facebook.accountId(who.email) }]);
    const [me] = requestsTo("facebook", "/me");
    expect(me!.query.fields).toBe("id,name,email");
    expect(me!.headers.authorization).toMatch(/^Bearer EAA/);

    const again = await signInWith(app.client(), "facebook", who);
    expect(again.headers.get("location")).toBe("/dashboard");
    expect(await identitiesOf(user!.id)).toHaveLength(1);
  });

  it("links to the existing account with the same email", async () => {
    const { owner } = await createOrgWithOwner(getDb(), "fb-linked");
    const client = app.client();
    expect((await signInWith(client, "facebook", account({ email: owner.email }))).headers.get("location")).toBe("/dashboard");
    expect((await client.get("/dashboard")).status).toBe(200);
    expect(await identitiesOf(owner.id)).toMatchObject([{ provider: "facebook" }]);
  });

  it("gets no email for an unconfirmed address, so neither links nor creates", async () => {
    const { owner } = await createOrgWithOwner(getDb(), "fb-victim");
    const client = app.client();
    const callback = await signInWith(client, "facebook", account({ email: owner.email, emailVerified: false }));
    await expectRefused(client, callback, "Facebook não informou um e-mail verificado. Verifique seu e-mail em Facebook ou crie uma conta com senha.");
    expect(await identitiesOf(owner.id)).toHaveLength(0);
  });
});

describe("OAuth routes", () => {
  it("offers both providers on the sign-in page, carrying redirectTo", async () => {
    const html = await (await app.client().get("/login?redirectTo=%2Finbox")).text();
    expect(html).toContain('action="/auth/google"');
    expect(html).toContain('action="/auth/facebook"');
    expect(html).toContain("Continuar com Google");
    expect(html).toMatch(/name="redirectTo" value="\/inbox"/);
  });

  it("answers 404 for an unknown provider and sends a plain visit back to sign-in", async () => {
    expect((await app.client().post("/auth/twitter", {})).status).toBe(404);
    expect((await app.client().get("/auth/twitter/callback?code=x&state=y")).status).toBe(404);
    const visit = await app.client().get("/auth/google");
    expect(visit.status).toBe(302);
    expect(visit.headers.get("location")).toBe("/login");
  });
});

describe("the fake provider", () => {
  it("refuses a wrong client secret with the provider's error shape, and a code works once", async () => {
    const authorizeUrl = await startFlow(app.client(), "google");
    const code = new URL(await consent(authorizeUrl, account()), app.baseUrl).searchParams.get("code")!;
    const exchange = (secret: string) =>
      fetch(`${fakes.google.baseUrl}/token`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: callbackUrl("google"), client_id: env.GOOGLE_CLIENT_ID!, client_secret: secret }),
      });
    const wrong = await exchange("not-the-secret");
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "invalid_client", error_description: "Unauthorized" });
    expect((await exchange(env.GOOGLE_CLIENT_SECRET!)).status).toBe(200);
    expect(await (await exchange(env.GOOGLE_CLIENT_SECRET!)).json()).toEqual({ error: "invalid_grant", error_description: "Bad Request" });

    const facebookWrong = await fetch(`${fakes.facebook.baseUrl}/oauth/access_token?client_id=${env.FACEBOOK_CLIENT_ID}&client_secret=nope&code=x&redirect_uri=x`);
    expect(facebookWrong.status).toBe(401);
    expect(await facebookWrong.json()).toMatchObject({ error: { type: "OAuthException", code: 1 } });
  });
});
