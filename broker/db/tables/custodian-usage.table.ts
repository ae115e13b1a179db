/** Elements evaluated by the custodian for one caller in one minute (for quotas). */
export interface CustodianUsageTable {
  caller_id: string;
  minute: Date;
  elements: number;
}
