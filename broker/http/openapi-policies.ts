/**
 * The OpenAPI paths of /v1/policies (the policy lifecycle), built from
 * `schemas/policy-requests.schema.json` and `schemas/policy-views.schema.json` (whose `$defs`
 * are components of their own, `policy-requests.<def>`: openapi.ts).
 */
type Content = Record<string, unknown>;

export function policyPaths(
  /** The query parameters of an object schema among the components. */
  paramsOf: (component: string) => Content[],
  json: (schema: string) => Content,
  problem: (description: string) => Content,
  common: Record<number, Content>,
): Record<string, unknown> {
  const req = (def: string) => json(`policy-requests.${def}`);
  const res = (def: string) => json(`policy-views.${def}`);
  const queryParams = (def: string) => paramsOf(`policy-requests.${def}`);
  const versionParam = { name: 'version', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'The policy version id.' };
  const notFound = { 404: problem('There is no such policy version.') };
  const conflict = (d: string) => ({ 409: problem(d) });
  const step = (operationId: string, summary: string, description: string, body: string | null, ok: Content, extra: Record<number, Content> = {}) => ({
    post: {
      operationId,
      summary,
      description,
      parameters: [versionParam],
      ...(body ? { requestBody: { required: body === 'approve' || body === 'reject' || body === 'simulate' || body === 'rollback', content: req(body) } } : {}),
      responses: { ...ok, ...notFound, ...extra, ...common },
    },
  });
  return {
    '/v1/policies': {
      get: {
        operationId: 'listPolicyVersions',
        summary: 'List policy versions (read-policy)',
        parameters: queryParams('listQuery'),
        responses: { 200: { description: 'Newest first, with the id of the active version.', content: res('list') }, ...common },
      },
      post: {
        operationId: 'createPolicyDraft',
        summary: 'Create a draft: copy a version, import the seed set, or import CSV (manage-policy)',
        description: 'Every draft needs a note (toelichting): why the change.',
        requestBody: { required: true, content: req('create') },
        responses: { 201: { description: 'The new draft.', content: res('version') }, ...common },
      },
    },
    '/v1/policies/{version}': {
      get: {
        operationId: 'getPolicyVersion',
        summary: 'A policy version with its model, rules, groupings and tests (read-policy)',
        parameters: [versionParam],
        responses: { 200: { description: 'The version.', content: res('version') }, ...notFound, ...common },
      },
    },
    '/v1/policies/{version}/rules': {
      put: {
        operationId: 'replacePolicyRules',
        summary: "Replace a draft's rules and groupings (its author only)",
        description: 'Lint findings do not block saving; they block submission.',
        parameters: [versionParam],
        requestBody: { required: true, content: req('rules') },
        responses: { 200: { description: 'The draft.', content: res('version') }, ...notFound, ...conflict('Not a draft, or expectedHash differs.'), ...common },
      },
    },
    '/v1/policies/{version}/tests': {
      put: {
        operationId: 'replacePolicyTests',
        summary: "Replace a draft's decision-table tests (its author only)",
        parameters: [versionParam],
        requestBody: { required: true, content: req('tests') },
        responses: { 200: { description: 'The draft.', content: res('version') }, ...notFound, ...conflict('Not a draft, or expectedHash differs.'), ...common },
      },
    },
    '/v1/policies/{version}/lint': {
      get: {
        operationId: 'lintPolicyVersion',
        summary: 'Lint findings (errors block submission)',
        parameters: [versionParam],
        responses: { 200: { description: 'Findings with severity, code, rule and pointer.', content: res('lint') }, ...notFound, ...common },
      },
    },
    '/v1/policies/{version}/test': step('testPolicyVersion', 'Run the version\'s decision-table tests', 'Nothing is stored.', null, {
      200: { description: 'One result per test.', content: res('testReport') },
    }),
    '/v1/policies/{version}/diff': {
      get: {
        operationId: 'diffPolicyVersion',
        summary: 'Rule-by-rule difference against another version (default: the active one)',
        parameters: [versionParam, ...queryParams('diffQuery')],
        responses: { 200: { description: 'Added, removed and changed rules.', content: res('diff') }, ...notFound, ...common },
      },
    },
    '/v1/policies/{version}/impact': {
      get: {
        operationId: 'previewPolicyImpact',
        summary: 'Impact preview: every decision that becomes allowed or denied, and the last N days of logged requests replayed',
        description:
          'exact: the decision tables of this version and of the active one compared over the whole decision space (role × doel × partner × category × with and without consent), every change with the rule on both sides, and the digest of the newly allowed decisions. '
          + 'The top-level counts replay the logged requests of the last N days. Records the preview for the caller; approval names its previewId. The read is logged.',
        parameters: [versionParam, ...queryParams('impactQuery')],
        responses: { 200: { description: 'Newly allowed and newly denied decisions, exactly and replayed.', content: res('impact') }, ...notFound, ...common },
      },
    },
    '/v1/policies/{version}/submit': step(
      'submitPolicyVersion',
      'Submit a draft for review (its author only)',
      'Runs lint and the stored tests; any lint error or failing test refuses it (422, errors name each) and nothing changes.',
      'submit',
      { 200: { description: 'Submitted.', content: res('summary') } },
      conflict('Not a draft.'),
    ),
    '/v1/policies/{version}/approve': step(
      'approvePolicyVersion',
      'Approve a submitted version (another privacy officer than the author)',
      'Needs the previewId of an impact preview this approver fetched for this content within 24 hours, against the version active now; when its exact impact shows newly allowed decisions, confirmNewAccess must be its exact.newAccessDigest (the database refuses the approval otherwise).',
      'approve',
      { 200: { description: 'Approved.', content: res('summary') } },
      conflict('Not submitted.'),
    ),
    '/v1/policies/{version}/reject': step(
      'rejectPolicyVersion',
      'Reject (or, by its author, withdraw) a submitted version',
      'The reason is added to the note ("Afgewezen: …", or by the author "Ingetrokken door de auteur: …").',
      'reject',
      { 200: { description: 'Rejected.', content: res('summary') } },
      conflict('Not submitted.'),
    ),
    '/v1/policies/{version}/activate': step(
      'activatePolicyVersion',
      'Activate an approved version, now or from a set time',
      'Every broker process switches within a second; each later disclosure logs this version and its hash. Refused (409) when another version became active after the approval and this one would newly allow a decision over it that the approval did not confirm.',
      'activate',
      { 200: { description: 'Active or scheduled.', content: res('summary') } },
      conflict('Not approved, activated before, or new access over the version active now that the approval did not confirm.'),
    ),
    '/v1/policies/{version}/rollback': step(
      'rollbackPolicyVersion',
      'Roll back to a superseded version: a new draft that copies it',
      'The copy goes through submission, four-eyes approval and activation like any draft. Its note (toelichting) is required.',
      'rollback',
      { 201: { description: 'The new draft.', content: res('version') } },
      conflict('The version was never active, or is active now.'),
    ),
    '/v1/policies/{version}/simulate': step(
      'simulatePolicyDecision',
      'Explain how this version decides one request',
      'The decision, the rule and grondslag that made it, and for a denial the nearest allow rule and why it did not match.',
      'simulate',
      { 200: { description: 'The explanation.', content: res('simulation') } },
    ),
  };
}
