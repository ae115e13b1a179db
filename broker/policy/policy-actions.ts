/**
 * The actions a policy rule can allow. `bevragen-met-toestemming` is asking with the
 * recorded consent of the youth or the parents (AVG art. 6(1)(a)); the model's `g4`
 * grouping makes it satisfy plain `bevragen` rules too.
 */
export const ACTIONS = ['bevragen', 'bevragen-met-toestemming'] as const;
export type Action = (typeof ACTIONS)[number];

export const actionFor = (consent: boolean): Action => (consent ? 'bevragen-met-toestemming' : 'bevragen');
