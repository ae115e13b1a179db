/** An organisation that people work for (a partner's organisation, or the ZVH). */
export interface OrganisationTable {
  id: string;
  name: string;
}
