import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { requireWriter } from "~/modules/auth/guards.server";
import { searchContactOptions } from "~/modules/pipelines/options.server";

/** Contacts matching `q` for the lead form's picker (JSON; the form itself works without it). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { org } = await requireWriter(request);
  const query = new URL(request.url).searchParams.get("q")?.slice(0, 100) ?? "";
  return json({ contacts: await searchContactOptions(getDb(), org.id, query) });
}
