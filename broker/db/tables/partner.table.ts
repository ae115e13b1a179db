/** A partner that holds signals and answers "bekend?". One organisation may field several partners (the gemeente does). */
export interface PartnerTable {
  id: string;
  name: string;
  organisation_id: string;
}
