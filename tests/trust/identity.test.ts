import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../support/adapters';
import { useHarness } from '../backbone/fixtures';

interface Message {
  messageId: string;
  kind: string;
  title: string;
  body: string;
  readAt: string | null;
}

describe.each(ADAPTERS)('identity proof and sessions on %s (SPEC 2.7, 2.13)', (adapter) => {
  const { skip, h } = useHarness(adapter);

  it.skipIf(skip)('refuses a fresh phone that knows only the name and ID number: nothing is linked and nothing can be paid', async () => {
    const victim = await h().employee(150_000);
    const accomplice = await h().person({ birthDate: '1990-05-05' });
    const attacker = await h().user();
    const error = await h().err('verifyIdentity', { name: victim.name, idNumber: victim.idNumber }, attacker.token);
    expect(error.code).toBe('PROOF_REQUIRED');
    expect((await h().ok('me', {}, attacker.token)).verified).toBe(false);
    const bind = await h().err(
      'bindRelative',
      { name: accomplice.name, idNumber: accomplice.idNumber, relationship: 'spouse', acceptUndertaking: true },
      attacker.token,
    );
    expect(bind.code).toBe('NOT_VERIFIED');
    expect(await h().balance(victim)).toBe(150_000n);
  });

  it.skipIf(skip)('links with the registry phone, and says which proof it took', async () => {
    const person = await h().employee(1_000);
    const token = await h().login(person.phone!);
    const data = await h().ok('verifyIdentity', { name: person.name, idNumber: person.idNumber }, token);
    expect(data.proof).toBe('registry_phone');
    expect(data.person.name).toBe(person.name);
    const messages = await h().ok<{ items: Message[] }>('listMessages', {}, token);
    expect(messages.items.map((m) => m.kind)).toContain('identity_linked');
  });

  it.skipIf(skip)('links through a passed face check, and tells the registry phone by SMS', async () => {
    const person = await h().employee(1_000);
    const user = await h().user();
    const { faceCheckId, provider, simulated } = await h().ok('startFaceCheck', { name: person.name, idNumber: person.idNumber }, user.token);
    expect(provider).toBe('dev');
    expect(simulated).toBe(true);
    const data = await h().ok('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId }, user.token);
    expect(data.proof).toBe('face_check');
    const notice = await h().app.db.query<{ sms_phone: string; kind: string }>(
      "SELECT sms_phone, kind FROM messages WHERE kind = 'identity_link_notice' AND sms_phone = $1",
      [person.phone!],
    );
    expect(notice).toHaveLength(1);
  });

  it.skipIf(skip)('refuses a face check that belongs to another person, another user, or was used already', async () => {
    const person = await h().employee(1_000);
    const other = await h().employee(1_000);
    const user = await h().user();
    const stranger = await h().user();
    const forOther = await h().ok('startFaceCheck', { name: other.name, idNumber: other.idNumber }, user.token);
    expect(
      (await h().err('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId: forOther.faceCheckId }, user.token)).code,
    ).toBe('FACE_CHECK_FAILED');
    const mine = await h().ok('startFaceCheck', { name: person.name, idNumber: person.idNumber }, user.token);
    expect(
      (await h().err('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId: mine.faceCheckId }, stranger.token)).code,
    ).toBe('FACE_CHECK_FAILED');
    await h().ok('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId: mine.faceCheckId }, user.token);
    // Used up: a second user cannot replay it, even the same one on another person's behalf.
    expect(
      (await h().err('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId: mine.faceCheckId }, stranger.token)).code,
    ).toBe('FACE_CHECK_FAILED');
  });

  it.skipIf(skip)('refuses a face check after it expired', async () => {
    const person = await h().employee(1_000);
    const user = await h().user();
    const { faceCheckId } = await h().ok('startFaceCheck', { name: person.name, idNumber: person.idNumber }, user.token);
    h().clock.advance(11 * 60);
    expect((await h().err('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId }, user.token)).code).toBe(
      'FACE_CHECK_FAILED',
    );
  });

  it.skipIf(skip)('a face check reclaims an identity another user took: that user is unlinked and signed out, both are told', async () => {
    const person = await h().employee(5_000);
    const holder = await h().user(person); // the registry phone's user holds it
    const owner = await h().user();
    expect((await h().err('verifyIdentity', { name: person.name, idNumber: person.idNumber }, owner.token)).code).toBe('PROOF_REQUIRED');
    const { faceCheckId } = await h().ok('startFaceCheck', { name: person.name, idNumber: person.idNumber }, owner.token);
    await h().ok('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId }, owner.token);
    expect((await h().err('me', {}, holder.token)).code).toBe('UNAUTHENTICATED');
    const again = await h().login(holder.phone);
    const me = await h().ok('me', {}, again);
    expect(me.verified).toBe(false);
    const told = await h().ok<{ items: Message[] }>('listMessages', {}, again);
    expect(told.items.map((m) => m.kind)).toContain('identity_reclaimed');
    const ownerMessages = await h().ok<{ items: Message[] }>('listMessages', {}, owner.token);
    expect(ownerMessages.items.map((m) => m.kind)).toContain('identity_linked');
    const risks = await h().app.db.query("SELECT 1 FROM risk_events WHERE kind = 'identity_reclaimed'");
    expect(risks.length).toBeGreaterThan(0);
  });

  it.skipIf(skip)('logout ends this session only; logout all ends every session of the user', async () => {
    const person = await h().employee(1_000);
    const first = await h().user(person);
    const second = await h().login(person.phone!);
    const third = await h().login(person.phone!);
    expect((await h().ok('logout', {}, first.token)).ended).toBe(1);
    expect((await h().err('me', {}, first.token)).code).toBe('UNAUTHENTICATED');
    expect((await h().ok('me', {}, second)).verified).toBe(true);
    expect((await h().ok('logout', { all: true }, second)).ended).toBe(2);
    expect((await h().err('me', {}, second)).code).toBe('UNAUTHENTICATED');
    expect((await h().err('me', {}, third)).code).toBe('UNAUTHENTICATED');
  });
});
