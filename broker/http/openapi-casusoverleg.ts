/**
 * The OpenAPI paths of the casusoverleg (docs/casusoverleg.md), built from schemas/casusoverleg.schema.json
 * (whose `$defs` are components `casusoverleg.<def>`: openapi.ts).
 */
type Content = Record<string, unknown>;

export function casusoverlegPaths(json: (schema: string) => Content, problem: (description: string) => Content, common: Record<number, Content>): Record<string, unknown> {
  const uuidParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
  const meeting = (description: string) => ({ description, content: json('casusoverleg.meeting') });
  const notFound = problem('No such casusoverleg (or casus on its agenda).');
  return {
    '/v1/meetings': {
      post: {
        operationId: 'planMeeting',
        summary: 'Plan a casusoverleg of this platform on a date (voorzitter)',
        description: 'Logged (casusoverleg, planned). A date in the past is refused.',
        requestBody: { required: true, content: json('casusoverleg.meetingRequest') },
        responses: { 201: meeting('Planned, with an empty agenda.'), ...common },
      },
      get: {
        operationId: 'listMeetings',
        summary: 'Every casusoverleg, newest date first (voorzitter)',
        responses: { 200: { description: 'Complete, never paged.', content: json('casusoverleg.meetingList') }, ...common },
      },
    },
    '/v1/meetings/{meetingId}': {
      get: {
        operationId: 'getMeeting',
        summary: 'A casusoverleg with its agenda: per casus the invited partners with their contact points, and the partners the policy excluded with why',
        parameters: [uuidParam('meetingId')],
        responses: { 200: meeting('The meeting.'), 404: notFound, ...common },
      },
    },
    '/v1/meetings/{meetingId}/agenda': {
      post: {
        operationId: 'addToAgenda',
        summary: 'Put a casus on the agenda; the invitation list is derived (partners with a hit, the aanmelder, the regiehouder) and decided by the policy (action uitnodigen)',
        description: 'The voorzitter may add partners with a reason (`add`); the policy still decides. Each invitation is a disclosure, logged per partner and subject with its rule and grondslag; a partner the policy excludes is not invited and is listed under `excluded` with the reason.',
        parameters: [uuidParam('meetingId')],
        requestBody: { required: true, content: json('casusoverleg.agendaRequest') },
        responses: { 201: meeting('On the agenda, with its invitations.'), 404: notFound, 409: problem('The casus is on the agenda already, closed, or the meeting lies in the past.'), ...common },
      },
    },
    '/v1/meetings/{meetingId}/agenda/{caseId}/invitations': {
      post: {
        operationId: 'invitePartner',
        summary: 'Add a partner, with a reason, to the invitation list of a casus on the agenda; the policy decides',
        parameters: [uuidParam('meetingId'), uuidParam('caseId')],
        requestBody: { required: true, content: json('casusoverleg.addition') },
        responses: { 201: meeting('Decided (invited, or listed as excluded).'), 404: notFound, 409: problem('The partner was decided for this casus already.'), ...common },
      },
    },
    '/v1/invitations': {
      get: {
        operationId: 'listInvitations',
        summary: "A partner's invitations: the casussen its organisation (an adapter: its partner) is invited to, its own matching signal refs, the regiehouder and its own vervolgacties; and the overdue vervolgacties of the casussen it holds the regie of",
        description: "For a partner's professionals (a role with `query`) and its adapter. Never another partner's signals, never a pseudonym.",
        responses: { 200: { description: 'Complete, never paged.', content: json('casusoverleg.partnerOverview') }, ...common },
      },
    },
  };
}
