/** Questions or casus creations counted for one person or organisation in one minute (rate limits). */
export interface RateLimitUsageTable {
  /** `<action>:person:<person id>` or `<action>:organisation:<organisation id>`. */
  counter: string;
  minute: Date;
  count: number;
}
