import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { ServiceWorkerRegistration } from "./components/service-worker";
import { Toaster } from "./components/toaster";
import { getSignedIn } from "./modules/auth/guards.server";
import { DEFAULT_LOCALE, negotiateLocale, translate, type Locale } from "./lib/i18n";
import { popToast } from "./lib/toast.server";
import stylesheet from "./tailwind.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "manifest", href: "/manifest.webmanifest" },
  { rel: "icon", href: "/favicon.ico", sizes: "32x32" },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "apple-touch-icon", href: "/icons/apple-touch-icon-180.png" },
];

export const meta: MetaFunction = () => [
  { title: "Master IA" },
  { name: "theme-color", content: "#047857" },
  { name: "apple-mobile-web-app-title", content: "Master IA" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const signedIn = await getSignedIn(request);
  const locale = negotiateLocale(signedIn?.user.locale, request.headers.get("Accept-Language"));
  const { toast, setCookie } = await popToast(request);
  return json(
    { locale, toast, serviceWorker: process.env.NODE_ENV === "production" },
    { headers: setCookie ? { "Set-Cookie": setCookie } : undefined },
  );
}

function Document({ locale, children }: { locale: Locale; children: ReactNode }) {
  return (
    <html lang={locale} className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <Meta />
        <Links />
      </head>
      <body className="h-full">
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  const { locale, toast, serviceWorker } = useLoaderData<typeof loader>();
  return (
    <Document locale={locale}>
      <Outlet />
      <Toaster toast={toast} />
      <ServiceWorkerRegistration enabled={serviceWorker} />
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  const locale = data?.locale ?? DEFAULT_LOCALE;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message =
    status === 404 ? translate(locale, "common.notFound") : status === 403 ? translate(locale, "common.forbidden") : translate(locale, "common.error");
  return (
    <Document locale={locale}>
      <main className="mx-auto flex min-h-full max-w-md flex-col items-center justify-center gap-4 p-6 text-center">
        <p className="text-5xl font-bold text-brand-700">{status}</p>
        <h1 className="text-lg font-semibold">{message}</h1>
        <a href="/dashboard" className="text-sm font-medium text-brand-700 underline">
          {translate(locale, "common.backHome")}
        </a>
      </main>
    </Document>
  );
}
