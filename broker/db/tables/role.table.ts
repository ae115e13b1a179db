/**
 * A role from the platform definition (voorzitter, jurist, ...). Policy rules name roles.
 * `privileged`: the role may read the logboek, handle rights, change the policy or keep the
 * register, so granting it needs four eyes (synced from the platform file at every start).
 */
export interface RoleTable {
  id: string;
  name: string;
  privileged: boolean;
}
