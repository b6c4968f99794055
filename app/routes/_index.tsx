import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getSignedIn } from "~/modules/auth/guards.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return redirect((await getSignedIn(request)) ? "/dashboard" : "/login");
}
