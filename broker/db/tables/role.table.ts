/** A role from the platform definition (voorzitter, jurist, ...). Policy rules name roles. */
export interface RoleTable {
  id: string;
  name: string;
}
