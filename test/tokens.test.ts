// Bearer tokens: signature, expiry, and the cache of verified tokens that lets a node skip the HMAC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TokenSigner } from '../src/modules/identity/index.ts';

const t0 = new Date('2026-11-01T08:00:00Z');
const later = (s: number) => new Date(t0.getTime() + s * 1000);

test('a token stands for its principal until it expires, also after it has been checked once', () => {
  const signer = new TokenSigner(randomBytes(32));
  const token = signer.issue({ kind: 'subscriber', subscriberId: 42 }, t0, 60);
  assert.deepEqual(signer.verify(token, later(1)), { kind: 'subscriber', subscriberId: 42 });
  assert.deepEqual(signer.verify(token, later(59)), { kind: 'subscriber', subscriberId: 42 });
  assert.equal(signer.verify(token, later(60)), null, 'expired, though the first check is remembered');
  assert.equal(signer.verify(token, later(61)), null, 'and refused again after it left the cache');
});

test('a staff token keeps its roles, and the principal handed out cannot be changed by a caller', () => {
  const signer = new TokenSigner(randomBytes(32));
  const token = signer.issue({ kind: 'staff', staffId: 7, roles: ['agent'] }, t0, 60);
  const p = signer.verify(token, later(1));
  assert.deepEqual(p, { kind: 'staff', staffId: 7, roles: ['agent'] });
  assert.throws(() => (p as { roles: string[] }).roles.push('admin'));
  assert.deepEqual(signer.verify(token, later(2)), { kind: 'staff', staffId: 7, roles: ['agent'] });
});

test('a forged, tampered or foreign token is refused every time', () => {
  const signer = new TokenSigner(randomBytes(32));
  const other = new TokenSigner(randomBytes(32));
  const token = signer.issue({ kind: 'subscriber', subscriberId: 42 }, t0, 60);
  const [body, sig] = token.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { id: number };
  const tampered = `${Buffer.from(JSON.stringify({ ...claims, id: 43 })).toString('base64url')}.${sig}`;
  for (const bad of [tampered, `${body}.AAAA`, other.issue({ kind: 'subscriber', subscriberId: 42 }, t0, 60), 'x', '.', `${body}.`]) {
    assert.equal(signer.verify(bad, later(1)), null, bad);
    assert.equal(signer.verify(bad, later(2)), null, `${bad} (second time)`);
  }
  assert.deepEqual(signer.verify(token, later(1)), { kind: 'subscriber', subscriberId: 42 });
});

test('more genuine tokens than the cache holds are all still checked correctly', () => {
  const signer = new TokenSigner(randomBytes(32));
  const tokens = Array.from({ length: 10_050 }, (_, i) => signer.issue({ kind: 'subscriber', subscriberId: i + 1 }, t0, 60));
  tokens.forEach((t, i) => assert.equal((signer.verify(t, later(1)) as { subscriberId: number }).subscriberId, i + 1));
  // The first ones were pushed out of the cache and are checked by signature again.
  assert.equal((signer.verify(tokens[0]!, later(2)) as { subscriberId: number }).subscriberId, 1);
  assert.equal(signer.verify(tokens[0]!, later(61)), null);
});

test('a token has one spelling: padding, other characters, spaces or stray bits in the signature are refused', () => {
  const signer = new TokenSigner(randomBytes(32));
  const token = signer.issue({ kind: 'subscriber', subscriberId: 42 }, t0, 60);
  const [body, sig] = token.split('.') as [string, string];
  // The last of 43 characters carries 2 bits nobody reads: every other value of them decodes to the same bytes.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(sig.at(-1)!);
  const strayBits = [1, 2, 3].map((b) => `${body}.${sig.slice(0, -1)}${alphabet[last | b]}`).filter((t) => t !== token);
  for (const bad of [`${token}==`, `${token}=`, `${token}!!~~`, `${body}.${sig.slice(0, 10)} ${sig.slice(10)}`, `${body}. ${sig}`, `${token} `,
    `${body}.${sig}A`, `${body}.${sig.replace(/-/g, '+').replace(/_/g, '/')}${/[-_]/.test(sig) ? '' : '+'}`, `${body}..${sig}`, ...strayBits]) {
    assert.equal(signer.verify(bad, later(1)), null, bad);
  }
  assert.equal(strayBits.length, 3);
  assert.deepEqual(signer.verify(token, later(1)), { kind: 'subscriber', subscriberId: 42 });
});

test('a revoked token is refused at once, though the cache had checked it', () => {
  const signer = new TokenSigner(randomBytes(32));
  const ended = new Set<string>();
  let generation = 0;
  signer.checkRevocationsWith({ revoked: (t) => ended.has(t.sid) || t.generation < generation });
  const a = signer.issue({ kind: 'staff', staffId: 7, roles: ['agent'] }, t0, 60, { sid: 'A'.repeat(22), generation: 0 });
  const b = signer.issue({ kind: 'staff', staffId: 7, roles: ['agent'] }, t0, 60, { sid: 'B'.repeat(22), generation: 0 });
  assert.ok(signer.verify(a, later(1)));
  assert.ok(signer.verify(b, later(1)));
  ended.add('A'.repeat(22));
  assert.equal(signer.verify(a, later(2)), null);
  assert.ok(signer.verify(b, later(2)));
  generation = 1;
  assert.equal(signer.verify(b, later(3)), null);
  const c = signer.issue({ kind: 'staff', staffId: 7, roles: ['agent'] }, t0, 60, { sid: 'C'.repeat(22), generation: 1 });
  assert.ok(signer.verify(c, later(3)));
  assert.equal(signer.session(a)?.sid, 'A'.repeat(22), 'a revoked token still says which session it was');
});
