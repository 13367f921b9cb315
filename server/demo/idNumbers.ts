import { idCheckChar } from '../../src/rules/idNumber';

/** A valid GB 11643 number for demo and test data: region, birth date, sequence (odd = male). */
export function makeIdNumber(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return `${first17}${idCheckChar(first17)}`;
}
