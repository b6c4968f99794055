// Shared by server and browser code: which role may do what.
export const ROLES = ["owner", "admin", "agent", "viewer"] as const;
export type Role = (typeof ROLES)[number];
export const INVITABLE_ROLES = ["admin", "agent", "viewer"] as const satisfies readonly Role[];

const rank: Record<Role, number> = { viewer: 0, agent: 1, admin: 2, owner: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when `role` is `minimum` or stronger. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

export const permissions = {
  /** Work with customers: reply, edit contacts, move leads. */
  write: (role: Role) => roleAtLeast(role, "agent"),
  /** Organization settings, channels, API keys, integrations, team. */
  manageSettings: (role: Role) => roleAtLeast(role, "admin"),
  manageTeam: (role: Role) => roleAtLeast(role, "admin"),
  /** Build, start, pause and cancel mass campaigns: one wrong click messages thousands, so not agents. */
  manageCampaigns: (role: Role) => roleAtLeast(role, "admin"),
};
