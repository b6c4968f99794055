import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { z } from "zod";
import { ConnectionStatusBadge } from "~/components/channels/connection-status";
import { Button } from "~/components/ui/button";
import { Alert, Card } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { type MessageKey, negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireSettingsManager } from "~/modules/auth/guards.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { findConnectionSummary } from "~/modules/channels/connections.server";
import { SidecarError, whatsappBaileysAdapter } from "~/modules/channels/whatsapp-baileys.server";

// QR codes rotate every ~20 s; without JavaScript the page reloads itself while one may be showing.
const REFRESH_SECONDS = 5;
const WAITING = ["pending", "qr"];

export const meta: MetaFunction = () => [{ title: "WhatsApp QR · Master IA" }];

// A QR is a login credential for the number: never cache the page.
export const headers: HeadersFunction = ({ loaderHeaders }) => ({ "Cache-Control": loaderHeaders.get("Cache-Control") ?? "no-store" });

async function findBaileysConnection(request: Request, connectionId: string | undefined) {
  const context = await requireSettingsManager(request);
  const connection = await findConnectionSummary(getDb(), context.org.id, connectionId ?? "");
  if (!connection || connection.kind !== "whatsapp_baileys") notFound("Connection not found");
  return { ...context, connection };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { connection } = await findBaileysConnection(request, params.connectionId);
  let live: { status: string | null; qr: string | null } = { status: null, qr: null };
  let sidecarDown = false;
  try {
    live = await whatsappBaileysAdapter.qrState(connection);
  } catch (error) {
    if (!(error instanceof SidecarError)) throw error;
    sidecarDown = true;
  }
  const { qr } = live;
  // Rendered here so the code shows as a plain image, JavaScript or not.
  const qrImage = qr ? `data:image/svg+xml;base64,${Buffer.from(await QRCode.toString(qr, { type: "svg", margin: 2, errorCorrectionLevel: "L" })).toString("base64")}` : null;
  return json(
    {
      connection: { id: connection.id, name: connection.name, status: connection.status, address: connection.address, lastError: connection.lastError, warnings: connection.warnings },
      // A session is being opened in the sidecar: a QR is showing or about to.
      pairing: WAITING.includes(live.status ?? ""),
      qrImage,
      sidecarDown,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

const intentSchema = z.object({ intent: z.enum(["connect", "logout"]) });

export async function action({ request, params }: ActionFunctionArgs) {
  const { connection, org, user } = await findBaileysConnection(request, params.connectionId);
  const parsed = intentSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "invalid intent" }, { status: 400 });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const here = `/settings/channels/${connection.id}/qr`;
  const { intent } = parsed.data;
  try {
    if (intent === "connect") await whatsappBaileysAdapter.connect(connection);
    else await whatsappBaileysAdapter.logout(connection);
  } catch (error) {
    if (!(error instanceof SidecarError)) throw error;
    const key: MessageKey = error.code === "leased_elsewhere" ? "baileys.leasedElsewhere" : "baileys.sidecarDown";
    return redirectWithToast(here, { kind: "error", message: translate(locale, key) });
  }
  await recordAudit(getDb(), { orgId: org.id, actor: { type: "user", id: user.id }, action: `channel.${intent}`, target: { type: "channel_connection", id: connection.id } });
  return redirectWithToast(here, { kind: "success", message: translate(locale, intent === "connect" ? "baileys.connecting" : "baileys.loggedOut") });
}

export default function BaileysQrPage() {
  const { connection, pairing: waiting, qrImage, sidecarDown } = useLoaderData<typeof loader>();
  const t = useT();
  const connected = connection.status === "connected";
  return (
    <Card>
      <p className="mb-2 text-sm">
        <Link to={`/settings/channels/${connection.id}`} className="text-brand-700 underline">
          ← {t("baileys.back")}
        </Link>
      </p>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 className="font-medium">{t("baileys.title")}</h2>
          <p className="text-sm text-slate-600">{connection.name}</p>
        </div>
        <ConnectionStatusBadge status={connection.status} />
      </div>

      <div className="space-y-3">
        {connection.warnings.map((warning) => (
          <Alert key={warning.message} kind="info">
            ⚠ {warning.message}
          </Alert>
        ))}
        {connection.lastError && !connected ? <Alert kind="error">{connection.lastError}</Alert> : null}
        {sidecarDown ? <Alert kind="error">{t("baileys.sidecarDown")}</Alert> : null}

        {connected ? (
          <Alert kind="success">{connection.address ? t("baileys.connectedAs", { address: connection.address }) : t("baileys.connected")}</Alert>
        ) : qrImage ? (
          <div className="flex flex-col items-center gap-3 sm:flex-row sm:items-start">
            <img src={qrImage} alt={t("baileys.qrAlt")} width={264} height={264} className="h-64 w-64 rounded-md bg-white ring-1 ring-slate-200" data-testid="qr-image" />
            <p className="text-sm text-slate-700">{t("baileys.steps")}</p>
          </div>
        ) : waiting ? (
          <p className="text-sm text-slate-600" data-testid="qr-waiting">
            {t("baileys.waitingQr")}
          </p>
        ) : (
          <p className="text-sm text-slate-600">{t("baileys.notConnected")}</p>
        )}

        {waiting ? (
          <>
            <noscript>
              <meta httpEquiv="refresh" content={String(REFRESH_SECONDS)} />
            </noscript>
            <noscript>
              <p className="text-xs text-slate-500">{t("baileys.autoRefresh", { seconds: REFRESH_SECONDS })}</p>
            </noscript>
          </>
        ) : null}
      </div>

      <div className="mt-4 flex flex-wrap gap-2">
        {!connected && !waiting ? (
          <Form method="post">
            <input type="hidden" name="intent" value="connect" />
            <Button type="submit">{t("baileys.connect")}</Button>
          </Form>
        ) : null}
      </div>

      {connected || waiting ? (
        <div className="mt-6 border-t border-slate-100 pt-4">
          <p className="mb-2 text-sm text-slate-600">{t("baileys.logoutHelp")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="logout" />
            <Button type="submit" variant="danger" size="sm">
              {t("baileys.logout")}
            </Button>
          </Form>
        </div>
      ) : null}
    </Card>
  );
}
