/**
 * Every official RFC 9497 vector of suite ristretto255-SHA512 in modes OPRF (0) and VOPRF (1),
 * batched ones included, against each VoprfSuite implementation (noble and libsodium).
 *
 * Per vector it checks: DeriveKeyPair(seed, keyInfo) = skSm (and pkSm in mode 1);
 * Blind with the vector's blind = BlindedElement; BlindEvaluate = EvaluationElement;
 * in mode 1 the proof made with the vector's fixed r = Proof.proof, and FinalizeBatch
 * verifies it; Finalize = Output. RFC 9497 Appendix A.1.1 (OPRF) and A.1.2 (VOPRF).
 *
 * The vectors live in the shared folder next to the repository (../shared/vectors). In a
 * clone without it, the suite is skipped with a message saying so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  MODE_OPRF,
  MODE_VOPRF,
  SUITE_ID,
  nobleVoprfSuite,
  type OprfMode,
  type VoprfSuite,
} from '../../protocol/pseudonymisation/voprf-suite.js';
import { loadSodiumVoprfSuite } from '../../protocol/pseudonymisation/voprf-suite-sodium.js';

interface VectorSuite {
  identifier: string;
  mode: number;
  seed: string;
  keyInfo: string;
  skSm: string;
  pkSm?: string;
  vectors: Array<{
    Batch: number;
    Input: string;
    Blind: string;
    BlindedElement: string;
    EvaluationElement: string;
    Output: string;
    Proof?: { proof: string; r: string };
  }>;
}

const VECTORS_URL = new URL('../../../shared/vectors/rfc9497-oprf/allVectors.json', import.meta.url);
const vectorsPath = fileURLToPath(VECTORS_URL);
const available = existsSync(vectorsPath);
const suites: VectorSuite[] = available
  ? (JSON.parse(readFileSync(vectorsPath, 'utf8')) as VectorSuite[]).filter(
      (s) => s.identifier === SUITE_ID && (s.mode === MODE_OPRF || s.mode === MODE_VOPRF),
    )
  : [];

if (!available) {
  const message = `RFC 9497 vectors not found at ${vectorsPath} (no ../shared beside this clone): vector tests skipped`;
  console.warn(message);
  it.skip(message, () => {});
}

const list = (hex: string): Uint8Array[] => hex.split(',').map((h) => hexToBytes(h));
const hexList = (items: Uint8Array[]): string => items.map((b) => bytesToHex(b)).join(',');

const implementations: Array<[string, () => Promise<VoprfSuite>]> = [
  ['noble', async () => nobleVoprfSuite],
  ['libsodium', loadSodiumVoprfSuite],
];

describe.skipIf(!available)(`RFC 9497 vectors, ${SUITE_ID}`, () => {
  it('holds both modes the broker checks', () => {
    expect(suites.map((s) => s.mode).sort()).toEqual([MODE_OPRF, MODE_VOPRF]);
  });

  describe.each(implementations)('%s implementation', (_name, load) => {
    for (const vs of suites) {
      const mode = vs.mode as OprfMode;
      const modeName = mode === MODE_OPRF ? 'OPRF' : 'VOPRF';

      it(`${modeName}: DeriveKeyPair gives skSm${vs.pkSm ? ' and pkSm' : ''}`, async () => {
        const suite = await load();
        const key = suite.deriveKeyPair(mode, hexToBytes(vs.seed), hexToBytes(vs.keyInfo));
        expect(bytesToHex(key.secretKey)).toBe(vs.skSm);
        if (vs.pkSm) expect(bytesToHex(key.publicKey)).toBe(vs.pkSm);
        expect(bytesToHex(suite.publicKeyOf(key.secretKey))).toBe(bytesToHex(key.publicKey));
      });

      vs.vectors.forEach((v, index) => {
        it(`${modeName} vector ${index + 1} (batch ${v.Batch})`, async () => {
          const suite = await load();
          const key = suite.deriveKeyPair(mode, hexToBytes(vs.seed), hexToBytes(vs.keyInfo));
          const inputs = list(v.Input);
          const blinds = list(v.Blind);
          expect(inputs).toHaveLength(v.Batch);

          const blinded = inputs.map((input, i) => suite.blind(mode, input, blinds[i]));
          expect(hexList(blinded.map((b) => b.blind))).toBe(v.Blind);
          expect(hexList(blinded.map((b) => b.blindedElement))).toBe(v.BlindedElement);

          if (mode === MODE_OPRF) {
            const evaluated = blinded.map((b) => suite.blindEvaluateOprf(key.secretKey, b.blindedElement));
            expect(hexList(evaluated)).toBe(v.EvaluationElement);
            const outputs = inputs.map((input, i) => suite.finalizeOprf(input, blinded[i]!.blind, evaluated[i]!));
            expect(hexList(outputs)).toBe(v.Output);
            return;
          }

          const proof = v.Proof;
          if (!proof) throw new Error('a VOPRF vector without a proof');
          const evaluation = suite.blindEvaluateBatch(
            key.secretKey,
            key.publicKey,
            blinded.map((b) => b.blindedElement),
            hexToBytes(proof.r),
          );
          expect(hexList(evaluation.evaluatedElements)).toBe(v.EvaluationElement);
          expect(bytesToHex(evaluation.proof)).toBe(proof.proof);

          // The client side verifies the RFC's own proof, not just ours.
          const outputs = suite.finalizeBatch(
            inputs.map((input, i) => ({
              input,
              blind: blinded[i]!.blind,
              blindedElement: blinded[i]!.blindedElement,
              evaluatedElement: list(v.EvaluationElement)[i]!,
            })),
            hexToBytes(vs.pkSm!),
            hexToBytes(proof.proof),
          );
          expect(hexList(outputs)).toBe(v.Output);
        });
      });
    }
  });
});
