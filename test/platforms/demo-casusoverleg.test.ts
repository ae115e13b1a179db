/**
 * The demo's casusoverleg (issue 18 item 7, docs/casusoverleg.md#in-the-demo), on both example
 * platforms: a planned meeting with seeded casussen on its agenda, whose invitations the policy
 * decided (the aanmelder and the regiehouder invited with their contact point; jongerenwerk,
 * without consent, not: its demo jongerenwerker sees nothing), a regiehouder and a vervolgactie
 * over tijd that the voorzitter and the regiehouder see. Seeding again adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatforms, type TestPlatform, type TestPlatforms } from '../support/test-platforms.js';
import { seedDemoCasusoverleg } from '../../broker/demo/seed-demo-casusoverleg.js';
import { demoPlatformOf } from '../../broker/demo/demo-platforms.js';

let tp: TestPlatforms;
beforeAll(async () => {
  tp = await startTestPlatforms();
}, 180_000);
afterAll(async () => tp?.close());

const get = async (p: TestPlatform, path: string, token: string) => {
  const res = await p.call('GET', path, { token });
  expect(res.status, res.text).toBe(200);
  return res.body;
};
type Item = { caseRef: string; invitations: Array<{ partner: string; grounds: string[]; contact: unknown }>; excluded: Array<{ partner: string; reason: string }> };
const agendaOf = async (p: TestPlatform): Promise<Map<string, Item>> => {
  const voorzitter = await p.token('demo-voorzitter');
  const { items } = await get(p, '/v1/meetings', voorzitter);
  expect(items).toHaveLength(1);
  expect(items[0].agendaCount).toBe(2);
  const meeting = await get(p, `/v1/meetings/${items[0].meetingId}`, voorzitter);
  return new Map((meeting.agenda as Item[]).map((a) => [a.caseRef, a]));
};
const invited = (a: Item | undefined) => a?.invitations.map((i) => [i.partner, i.grounds.join(',')]);

describe('the demo casusoverleg', () => {
  it('JPP Sittard-Geleen: politie and Halt invited, jongerenwerk not without consent; Halt has the regie and a vervolgactie over tijd', async () => {
    const p = tp.at('jpp-sittard-geleen');
    const agenda = await agendaOf(p);
    expect(invited(agenda.get('ZVH-DEMO-0003'))).toEqual([['politie', 'aanmelder']]);
    expect(invited(agenda.get('ZVH-DEMO-0004'))).toEqual([['halt', 'regiehouder']]);
    expect(agenda.get('ZVH-DEMO-0004')!.invitations[0]!.contact).toEqual(expect.objectContaining({ email: 'sittard-geleen@halt.example' }));
    expect(agenda.get('ZVH-DEMO-0004')!.excluded).toEqual([expect.objectContaining({ partner: 'jongerenwerk', reason: 'toestemming-nodig' })]);

    const jw = await get(p, '/v1/invitations', await p.token('demo-jongerenwerker'));
    expect(jw.items).toEqual([]);
    const halt = await get(p, '/v1/invitations', await p.adapterToken('halt'));
    expect(halt.items.map((i: { caseRef: string }) => i.caseRef)).toEqual(['ZVH-DEMO-0004']);
    expect(halt.regieOverdue).toEqual([expect.objectContaining({ caseRef: 'ZVH-DEMO-0004', partner: 'halt', kind: 'halt-interventie' })]);
    const overdue = await get(p, '/v1/vervolgacties/overdue', await p.token('demo-voorzitter'));
    expect(overdue.items).toEqual([expect.objectContaining({ caseRef: 'ZVH-DEMO-0004', partner: 'halt', regiehouder: 'halt' })]);
  });

  it('JPT Hollands Midden: Halt (aanmelder) and the jeugdteam (regiehouder) invited; the jeugdteam has a vervolgactie over tijd', async () => {
    const p = tp.at('jpt-hollands-midden');
    const agenda = await agendaOf(p);
    expect(invited(agenda.get('JPT-DEMO-0003'))).toEqual([]);
    expect(invited(agenda.get('JPT-DEMO-0004'))?.sort()).toEqual([['gemeente-jeugdteam', 'regiehouder'], ['halt', 'aanmelder']]);
    const overdue = await get(p, '/v1/vervolgacties/overdue', await p.token('demo-voorzitter'));
    expect(overdue.items).toEqual([expect.objectContaining({ caseRef: 'JPT-DEMO-0004', partner: 'gemeente-jeugdteam', kind: 'gesprek-ouders', regiehouder: 'gemeente-jeugdteam' })]);
  });

  it('seeds nothing when the platform has a meeting already', async () => {
    const calls: string[] = [];
    await seedDemoCasusoverleg({
      db: tp.at('jpp-sittard-geleen').entry.broker.db,
      demo: demoPlatformOf('jpp-sittard-geleen')!,
      now: () => new Date(),
      overleg: {
        listMeetings: async () => ({ items: [{ meetingId: 'm', platform: 'jpp-sittard-geleen', date: '2026-12-12', agendaCount: 2 }] }),
        planMeeting: async () => { calls.push('plan'); throw new Error('not expected'); },
        addToAgenda: async () => { calls.push('agenda'); throw new Error('not expected'); },
      },
    });
    expect(calls).toEqual([]);
  });
});
