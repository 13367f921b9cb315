/**
 * Prints the current TOTP code of a demo staff member (development only), for whoever has no
 * authenticator app at hand: `npx tsx scripts/staff-totp.ts handler`.
 */
import { Secret, TOTP } from 'otpauth';
import { DEMO_STAFF } from '../server/demo/cast';

const username = process.argv[2];
const staff = DEMO_STAFF.find((s) => s.username === username);
if (!staff) {
  console.error(`usage: npx tsx scripts/staff-totp.ts <${DEMO_STAFF.map((s) => s.username).join('|')}>`);
  process.exit(1);
}
const totp = new TOTP({ secret: Secret.fromBase32(staff.totpSecret), digits: 6, period: 30, algorithm: 'SHA1' });
const left = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${totp.generate()}  (${staff.username}, ${left} s left)`);
