/**
 * A stand-in for Google's or Facebook's OAuth 2.0 endpoints, on loopback, speaking their wire formats:
 * an authorization page where a person types the account to sign in as, the token endpoint (client
 * secret checked, codes single-use and bound to their redirect_uri) and the profile endpoint.
 * Serves integration tests and the e2e server alike.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeProviderName = "google" | "facebook";

export type FakeOAuthProviderOptions = {
  provider: FakeProviderName;
  clientId: string;
  clientSecret: string;
  /** Like the providers' consoles: only these redirect URIs are accepted. */
  redirectUris: string[];
  port?: number;
};

/** What the person types on the consent page. */
export type FakeAccount = { email: string; name: string; emailVerified: boolean };

export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: Record<string, string>;
};

type Grant = { account: FakeAccount; redirectUri: string; scope: string; expiresAt: number };

const PATHS = {
  google: { authorize: "/o/oauth2/v2/auth", token: "/token", profile: "/oauth2/v3/userinfo" },
  facebook: { authorize: "/dialog/oauth", token: "/oauth/access_token", profile: "/me" },
} as const;

export type FakeOAuthProvider = Awaited<ReturnType<typeof startFakeOAuthProvider>>;

export async function startFakeOAuthProvider(options: FakeOAuthProviderOptions) {
  const paths = PATHS[options.provider];
  const requests: RecordedRequest[] = [];
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, Grant>();
  let tokenFailure: { status: number; body: unknown; remaining: number } | null = null;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { error: String(error) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readBody(req);
    const body = req.headers["content-type"]?.includes("application/x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(raw)) : {};
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? "GET", path: url.pathname, query, headers: { ...req.headers } as Record<string, string | undefined>, body });

    if (url.pathname === paths.authorize && (req.method === "GET" || req.method === "POST")) return authorize(res, url, req.method === "POST" ? body : null);
    if (url.pathname === paths.token && (req.method === "POST" || (options.provider === "facebook" && req.method === "GET"))) {
      return token(res, options.provider === "facebook" ? { ...query, ...body } : body, req.headers.authorization);
    }
    if (url.pathname === paths.profile && req.method === "GET") return profile(res, url, req.headers.authorization);
    sendJson(res, 404, { error: "not_found" });
  }

  function authorize(res: ServerResponse, url: URL, consent: Record<string, string> | null) {
    const q = url.searchParams;
    const redirectUri = q.get("redirect_uri") ?? "";
    // Client and redirect URI problems are shown to the person, never sent to an unverified redirect URI.
    if (q.get("client_id") !== options.clientId) return sendHtml(res, 401, errorPage("invalid_client", "The OAuth client was not found."));
    if (!options.redirectUris.includes(redirectUri)) return sendHtml(res, 400, errorPage("redirect_uri_mismatch", `${redirectUri} is not registered for this client.`));
    // Stricter than either provider (both accept a missing state): our client must always send one.
    if (!q.get("state")) return sendHtml(res, 400, errorPage("invalid_request", "Missing required parameter: state"));
    const back = (params: Record<string, string>) => redirectBack(res, redirectUri, { ...params, state: q.get("state")! });
    if (q.get("response_type") !== "code") return back({ error: "unsupported_response_type" });
    const scope = q.get("scope") ?? "";
    if (!grantsEmail(scope)) return back({ error: "invalid_scope", error_description: "The email scope is required." });
    if (!consent) return sendHtml(res, 200, consentPage(url, scope));

    if (consent.decision !== "allow") {
      return back(options.provider === "google" ? { error: "access_denied" } : { error: "access_denied", error_code: "200", error_description: "Permissions error", error_reason: "user_denied" });
    }
    const account: FakeAccount = { email: (consent.email ?? "").trim(), name: (consent.name ?? "").trim(), emailVerified: consent.email_verified === "true" };
    const code = `${options.provider === "google" ? "4/0A" : "AQ"}${randomBytes(24).toString("base64url")}`;
    codes.set(code, { account, redirectUri, scope, expiresAt: Date.now() + 10 * 60_000 });
    return back(options.provider === "google" ? { code, scope } : { code });
  }

  function token(res: ServerResponse, params: Record<string, string>, authorization: string | undefined) {
    const client = clientCredentials(params, authorization);
    if (client.id !== options.clientId || client.secret !== options.clientSecret) {
      return options.provider === "google"
        ? sendJson(res, 401, { error: "invalid_client", error_description: "Unauthorized" })
        : sendJson(res, 401, facebookError("Error validating client secret.", 1));
    }
    if (tokenFailure && tokenFailure.remaining > 0) {
      tokenFailure.remaining -= 1;
      return sendJson(res, tokenFailure.status, tokenFailure.body);
    }
    if (options.provider === "google" && params.grant_type !== "authorization_code") {
      return sendJson(res, 400, { error: "unsupported_grant_type", error_description: `Invalid grant_type: ${params.grant_type ?? ""}` });
    }
    const grant = params.code ? codes.get(params.code) : undefined;
    if (params.code) codes.delete(params.code); // a code works once, even when the exchange fails
    if (!grant || grant.expiresAt < Date.now()) {
      return options.provider === "google"
        ? sendJson(res, 400, { error: "invalid_grant", error_description: "Bad Request" })
        : sendJson(res, 400, facebookError("This authorization code has been used.", 100, 36009));
    }
    if (params.redirect_uri !== grant.redirectUri) {
      return options.provider === "google"
        ? sendJson(res, 400, { error: "redirect_uri_mismatch", error_description: "Bad Request" })
        : sendJson(res, 400, facebookError("Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request", 100, 36008));
    }
    const accessToken = `${options.provider === "google" ? "ya29." : "EAA"}${randomBytes(32).toString("base64url")}`;
    tokens.set(accessToken, grant);
    if (options.provider === "facebook") return sendJson(res, 200, { access_token: accessToken, token_type: "bearer", expires_in: 5_183_944 });
    const idToken = grant.scope.split(" ").includes("openid") ? unsignedIdToken(grant.account) : undefined;
    return sendJson(res, 200, { access_token: accessToken, expires_in: 3599, token_type: "Bearer", scope: grant.scope, ...(idToken ? { id_token: idToken } : {}) });
  }

  function profile(res: ServerResponse, url: URL, authorization: string | undefined) {
    const bearer = authorization?.match(/^Bearer (.+)$/i)?.[1];
    const grant = tokens.get(bearer ?? url.searchParams.get("access_token") ?? "");
    if (options.provider === "google") {
      if (!grant) {
        res.setHeader("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/", error="invalid_token"');
        return sendJson(res, 401, { error: "invalid_request", error_description: "Invalid Credentials" });
      }
      const { account } = grant;
      const [given, ...family] = account.name.split(" ");
      return sendJson(res, 200, {
        sub: accountId(account.email),
        name: account.name,
        given_name: given ?? "",
        family_name: family.join(" "),
        picture: `https://lh3.googleusercontent.com/a/fake-${accountId(account.email).slice(-6)}=s96-c`,
        email: account.email,
        email_verified: account.emailVerified,
      });
    }
    if (!grant) return sendJson(res, 400, facebookError("Invalid OAuth access token - Cannot parse access token", 190));
    const fields = (url.searchParams.get("fields") ?? "id,name").split(",");
    const { account } = grant;
    // Facebook only ever returns an email it has confirmed.
    const email = account.emailVerified && grantsEmail(grant.scope) ? account.email : undefined;
    const user: Record<string, string> = { id: accountId(account.email) };
    if (fields.includes("name")) user.name = account.name;
    if (fields.includes("email") && email) user.email = email;
    return sendJson(res, 200, user);
  }

  /** The same email always maps to the same provider account id, as a real account would. */
  function accountId(email: string): string {
    const digits = BigInt(`0x${createHash("sha256").update(`${options.provider}:${email.toLowerCase()}`).digest("hex").slice(0, 24)}`).toString().padStart(30, "0");
    return `1${digits.slice(0, options.provider === "google" ? 20 : 15)}`;
  }

  function grantsEmail(scope: string) {
    const scopes = scope.split(options.provider === "google" ? " " : /[ ,]+/);
    return scopes.some((s) => s === "email" || s === "https://www.googleapis.com/auth/userinfo.email");
  }

  function unsignedIdToken(account: FakeAccount) {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: "https://accounts.google.com", aud: options.clientId, sub: accountId(account.email), email: account.email, email_verified: account.emailVerified, iat: now, exp: now + 3600 };
    return `${part({ alg: "RS256", kid: "fake", typ: "JWT" })}.${part(claims)}.${randomBytes(32).toString("base64url")}`;
  }

  function consentPage(url: URL, scope: string) {
    const title = options.provider === "google" ? "Fake Google" : "Fake Facebook";
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Sign in</title></head><body>
<h1>${title}</h1>
<p>Choose the account to continue to <code>${escapeHtml(options.clientId)}</code> (scope: ${escapeHtml(scope)}).</p>
<form method="post" action="${escapeHtml(url.pathname + url.search)}">
<p><label>Email address <input type="email" name="email" required></label></p>
<p><label>Full name <input type="text" name="name" required></label></p>
<p><label><input type="checkbox" name="email_verified" value="true" checked> Email is verified</label></p>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</form></body></html>`;
  }

  function redirectBack(res: ServerResponse, redirectUri: string, params: Record<string, string>) {
    const target = new URL(redirectUri);
    for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
    // Facebook appends this fragment to every redirect.
    if (options.provider === "facebook") target.hash = "_=_";
    res.writeHead(302, { Location: target.toString() }).end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    provider: options.provider,
    baseUrl: `http://127.0.0.1:${port}`,
    paths,
    requests,
    accountId,
    /** The next `times` token exchanges (with valid client credentials) answer this instead. */
    failTokenEndpoint(failure: { status?: number; body?: unknown; times?: number } = {}) {
      const status = failure.status ?? 503;
      const body = failure.body ?? (options.provider === "google" ? { error: "temporarily_unavailable", error_description: "Service unavailable" } : facebookError("An unexpected error has occurred. Please retry your request later.", 2));
      tokenFailure = { status, body, remaining: failure.times ?? 1 };
    },
    reset() {
      requests.length = 0;
      codes.clear();
      tokens.clear();
      tokenFailure = null;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nobody listens on right now, for a fake whose address must be known before it starts. */
export async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function clientCredentials(params: Record<string, string>, authorization: string | undefined) {
  const basic = authorization?.match(/^Basic (.+)$/i)?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, "base64").toString().split(":");
    return { id: decodeURIComponent(id ?? ""), secret: decodeURIComponent(secret ?? "") };
  }
  return { id: params.client_id, secret: params.client_secret };
}

function facebookError(message: string, code: number, subcode?: number) {
  return { error: { message, type: "OAuthException", code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: randomBytes(8).toString("base64url") } };
}

function errorPage(error: string, description: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><h1>Access blocked: ${escapeHtml(error)}</h1><p>${escapeHtml(description)}</p></body></html>`;
}

function escapeHtml(value: string) {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" }).end(html);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
