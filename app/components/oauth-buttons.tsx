import { useT } from "~/lib/i18n";

export type OAuthProvider = "google" | "facebook";

export function OAuthButtons({ providers, redirectTo }: { providers: OAuthProvider[]; redirectTo?: string }) {
  const t = useT();
  if (providers.length === 0) return null;
  const labels = { google: t("auth.continueWithGoogle"), facebook: t("auth.continueWithFacebook") };
  return (
    <div className="space-y-2">
      {providers.map((provider) => (
        <form key={provider} method="post" action={`/auth/${provider}`}>
          {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
          <button type="submit" className="flex h-10 w-full items-center justify-center rounded-md bg-white text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50">
            {labels[provider]}
          </button>
        </form>
      ))}
      <p className="py-1 text-center text-xs uppercase tracking-wide text-slate-500">{t("auth.or")}</p>
    </div>
  );
}
