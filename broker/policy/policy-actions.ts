/**
 * The actions a policy rule can allow.
 * - `bevragen`: asking whether a partner knows a youth ("bekend?"); `bevragen-met-toestemming` is
 *   asking with the recorded consent of the youth or the parents (AVG art. 6(1)(a)).
 * - `uitnodigen`: inviting a partner to the casusoverleg for a casus on the agenda, which discloses
 *   to that partner that the youth is on the agenda (broker/casusoverleg, docs/casusoverleg.md);
 *   `uitnodigen-met-toestemming` is inviting with a consent record in force for every youth of the casus.
 * The model's `g4` grouping makes each `-met-toestemming` action satisfy its plain action's rules too.
 */
export const ACTIONS = ['bevragen', 'bevragen-met-toestemming', 'uitnodigen', 'uitnodigen-met-toestemming'] as const;
export type Action = (typeof ACTIONS)[number];

/** The actions of a question: asking without or with consent. */
export type QuestionAction = 'bevragen' | 'bevragen-met-toestemming';

export const actionFor = (consent: boolean): QuestionAction => (consent ? 'bevragen-met-toestemming' : 'bevragen');

/** The action of an invitation to the casusoverleg, without or with consent in force. */
export const invitationActionFor = (consent: boolean): Action => (consent ? 'uitnodigen-met-toestemming' : 'uitnodigen');
