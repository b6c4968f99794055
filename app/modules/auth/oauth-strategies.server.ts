import { GoogleStrategy, type GoogleProfile } from "remix-auth-google";
import { OAuth2Strategy, type OAuth2Profile } from "remix-auth-oauth2";
import { z } from "zod";
import type { OAuthProfile } from "./oauth.server";

type StrategyOptions = { clientID: string; clientSecret: string; callbackURL: string; /** Points every endpoint at another host (tests, a local fake). */ baseUrl?: string };

const GOOGLE = {
  authorization: "https://accounts.google.com/o/oauth2/v2/auth",
  token: "https://oauth2.googleapis.com/token",
  userInfo: "https://www.googleapis.com/oauth2/v3/userinfo",
};
const FACEBOOK = {
  authorization: "https://www.facebook.com/v19.0/dialog/oauth",
  token: "https://graph.facebook.com/v19.0/oauth/access_token",
  profile: "https://graph.facebook.com/v19.0/me",
};

const googleUserInfo = z.object({
  sub: z.string().min(1),
  name: z.string().optional(),
  email: z.string().optional(),
  // Google's v3 userinfo sends a boolean; older endpoints sent the string "true".
  email_verified: z.union([z.boolean(), z.string().transform((value) => value === "true")]).optional(),
});
const facebookMe = z.object({ id: z.string().min(1), name: z.string().optional(), email: z.string().optional() });

/** remix-auth-google with its endpoints movable; its own userProfile ignores HTTP errors, so ours checks them. */
export class GoogleSignInStrategy extends GoogleStrategy<OAuthProfile> {
  private readonly profileURL: string;

  constructor({ baseUrl, ...options }: StrategyOptions) {
    super(options, async ({ profile }) => {
      const info = googleUserInfo.parse(profile._json);
      return toOAuthProfile("google", info.sub, info.name, info.email, info.email_verified === true);
    });
    if (baseUrl) {
      this.authorizationURL = `${baseUrl}/o/oauth2/v2/auth`;
      this.tokenURL = `${baseUrl}/token`;
    }
    this.profileURL = baseUrl ? `${baseUrl}/oauth2/v3/userinfo` : GOOGLE.userInfo;
  }

  protected override async userProfile(accessToken: string): Promise<GoogleProfile> {
    const raw = (await fetchProfile(this.profileURL, accessToken, "Google userinfo")) as GoogleProfile["_json"];
    return {
      provider: "google",
      id: raw.sub,
      displayName: raw.name,
      name: { familyName: raw.family_name, givenName: raw.given_name },
      emails: [{ value: raw.email }],
      photos: [{ value: raw.picture }],
      _json: raw,
    };
  }
}

type FacebookProfile = OAuth2Profile & { _json: unknown };

export class FacebookSignInStrategy extends OAuth2Strategy<OAuthProfile, FacebookProfile> {
  override name = "facebook";
  private readonly profileURL: string;

  constructor({ baseUrl, ...options }: StrategyOptions) {
    super(
      {
        ...options,
        authorizationURL: baseUrl ? `${baseUrl}/dialog/oauth` : FACEBOOK.authorization,
        tokenURL: baseUrl ? `${baseUrl}/oauth/access_token` : FACEBOOK.token,
        scope: "email,public_profile",
      },
      // Facebook only returns an email it has confirmed, so a present email is a verified one.
      async ({ profile }) => {
        const me = facebookMe.parse(profile._json);
        return toOAuthProfile("facebook", me.id, me.name, me.email, Boolean(me.email));
      },
    );
    this.profileURL = baseUrl ? `${baseUrl}/me` : FACEBOOK.profile;
  }

  // The base class would copy our own request's query string into the dialog URL.
  protected override authorizationParams(): URLSearchParams {
    return new URLSearchParams();
  }

  protected override async userProfile(accessToken: string): Promise<FacebookProfile> {
    const url = new URL(this.profileURL);
    url.searchParams.set("fields", "id,name,email");
    return { provider: "facebook", _json: await fetchProfile(url, accessToken, "Facebook /me") };
  }
}

async function fetchProfile(url: string | URL, accessToken: string, endpoint: string): Promise<unknown> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${endpoint} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

function toOAuthProfile(provider: OAuthProfile["provider"], id: string, name: string | undefined, rawEmail: string | undefined, verified: boolean): OAuthProfile {
  const parsed = z.email().max(254).safeParse(rawEmail?.trim().toLowerCase());
  const email = parsed.success ? parsed.data : null;
  return { provider, providerUserId: id, email, emailVerified: email !== null && verified, name: name?.trim() || email?.split("@")[0] || provider };
}
