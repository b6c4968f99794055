import { json, redirect } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { findMembership, listMemberships, type Membership } from "../orgs/organizations.server";
import { permissions, roleAtLeast, type Role } from "../orgs/roles";
import { findSession, setSessionOrganization, type SessionRecord } from "./sessions.server";
import { findUserById, type User } from "./users.server";

export type SignedIn = { user: User; session: SessionRecord };
export type OrgContext = SignedIn & Membership;

function loginRedirect(request: Request): never {
  const url = new URL(request.url);
  const redirectTo = `${url.pathname}${url.search}`;
  throw redirect(redirectTo === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(redirectTo)}`);
}

export async function getSignedIn(request: Request): Promise<SignedIn | null> {
  const db = getDb();
  const session = await findSession(db, request);
  if (!session) return null;
  const user = await findUserById(db, session.userId);
  return user ? { user, session } : null;
}

export async function requireUser(request: Request): Promise<SignedIn> {
  return (await getSignedIn(request)) ?? loginRedirect(request);
}

/** The signed-in user inside their current organization; falls back to their first membership. */
export async function requireOrg(request: Request): Promise<OrgContext> {
  const signedIn = await requireUser(request);
  const db = getDb();
  const { session, user } = signedIn;
  const current = session.currentOrgId ? await findMembership(db, user.id, session.currentOrgId) : undefined;
  if (current) return { ...signedIn, ...current };
  const [first] = await listMemberships(db, user.id);
  if (!first) throw redirect("/orgs/new");
  await setSessionOrganization(db, session, first.org.id);
  return { ...signedIn, session: { ...session, currentOrgId: first.org.id }, ...first };
}

export function forbidden(message = "Your role does not allow this action."): never {
  throw json({ error: { code: "forbidden", message } }, { status: 403 });
}

export function notFound(message = "Not found"): never {
  throw json({ error: { code: "not_found", message } }, { status: 404 });
}

export async function requireRole(request: Request, minimum: Role): Promise<OrgContext> {
  const context = await requireOrg(request);
  if (!roleAtLeast(context.role, minimum)) forbidden();
  return context;
}

export const requireWriter = (request: Request) => requireRole(request, "agent");
export async function requireSettingsManager(request: Request) {
  const context = await requireOrg(request);
  if (!permissions.manageSettings(context.role)) forbidden("Only owners and admins can change settings.");
  return context;
}
