import { idDigest } from '../../../server/store/persons';
import { MAINLAND_PROVINCES } from '../../../src/rules/provinces';
import type { Harness, TestPerson, TestUser } from '../../support/harness';
import { DEFAULT_POLICY, type BindingState, type PersonInfo, type Relationship, type Structure, type Totals, zeroTotals } from './state';
import { seededRandom } from '../../support/random';

/**
 * The people of a model run, built through the real cloud functions (upsertPersons, sendCode,
 * login, verifyIdentity, bindRelative, createInstitution). Each group lives in a province of its
 * own, so a policy change touches one group only: sharers 0 and 1 in the patients' pooling
 * region, sharer 2 in another region of the same province (a `sharingScope: region` policy
 * cuts it off).
 */
export interface WorldConfig {
  groups: number;
  sharersPerGroup: number;
  patientsPerGroup: number;
  institutions: number;
}

export const DEFAULT_WORLD: WorldConfig = { groups: 6, sharersPerGroup: 3, patientsPerGroup: 3, institutions: 2 };

export interface Member extends PersonInfo {
  group: number;
  index: number;
  name: string;
  birthDate: string;
  user: TestUser;
}

export interface Group {
  index: number;
  province: string;
  sharers: Member[];
  /** Patient 0 is employee-insured with a small account of its own; the others are residents. */
  patients: Member[];
  /** The relationship of each (sharer, patient) pair, fixed for every (re)binding. */
  relationship: (sharer: Member, patient: Member) => Relationship;
}

export interface World {
  config: WorldConfig;
  groups: Group[];
  persons: Map<string, Member>;
  institutions: Array<{ code: string; key: string }>;
  /** The state right after set-up. */
  structure: Structure;
  balances: Map<string, bigint>;
  totals: Totals;
}

const RELATIONSHIPS: readonly Relationship[] = ['child', 'sibling', 'grandchild', 'spouse'];


async function personIdOf(h: Harness, person: TestPerson): Promise<string> {
  const rows = await h.app.db.query<{ person_id: string }>('SELECT person_id FROM persons WHERE id_digest = $1', [idDigest(h.app, person.idNumber)]);
  const id = rows[0]?.person_id;
  if (!id) throw new Error(`no person ${person.name}`);
  return id;
}

export async function buildWorld(h: Harness, config: WorldConfig, seed: number): Promise<World> {
  const provinces = Object.keys(MAINLAND_PROVINCES).sort();
  if (config.groups > provinces.length) throw new Error(`at most ${provinces.length} groups (one province each)`);
  const rnd = seededRandom(seed); // the world's openings come from the scenario's seed
  const persons = new Map<string, Member>();
  const balances = new Map<string, bigint>();
  const totals = zeroTotals();
  const structure: Structure = { bindings: new Map(), sharerActive: new Map(), policies: new Map(), blocked: new Set() };
  const groups: Group[] = [];

  for (let g = 0; g < config.groups; g += 1) {
    const province = provinces[g]!;
    const home = `${province}0100`;
    const other = `${province}0200`;
    // A previous run on the same database may have left a policy: start from the defaults.
    await h.ok('setPolicy', { scope: province, ...DEFAULT_POLICY }, h.adminKey);
    structure.policies.set(province, { ...DEFAULT_POLICY });

    const member = async (index: number, sharer: boolean): Promise<Member> => {
      const region = sharer && index === 2 ? other : home;
      const birthDate = sharer ? `196${index % 10}-0${1 + (g % 9)}-1${index % 10}` : `${index === 0 ? 1990 : 2000 + index}-0${1 + (g % 9)}-2${index % 10}`;
      const employee = sharer || index === 0;
      // Half the sharers start with the same round balance: ties from the first bill on.
      const opening = sharer ? (rnd() < 0.5 ? 20_000 : Math.floor(rnd() * 60_000)) : employee ? Math.floor(rnd() * 5_000) : undefined;
      const person = employee
        ? await h.employee(opening ?? 0, { birthDate, poolingRegion: region })
        : await h.person({ birthDate, poolingRegion: region });
      const personId = await personIdOf(h, person);
      if (employee) {
        balances.set(personId, BigInt(opening ?? 0));
        totals.opening += BigInt(opening ?? 0);
      }
      const m: Member = {
        personId,
        idNumber: person.idNumber,
        region,
        hasAccount: employee,
        group: g,
        index,
        name: person.name,
        birthDate,
        user: await h.user(person),
      };
      persons.set(personId, m);
      return m;
    };

    const sharers: Member[] = [];
    for (let i = 0; i < config.sharersPerGroup; i += 1) {
      const s = await member(i, true);
      structure.sharerActive.set(s.personId, true);
      sharers.push(s);
    }
    const patients: Member[] = [];
    for (let j = 0; j < config.patientsPerGroup; j += 1) patients.push(await member(j, false));
    const group: Group = {
      index: g,
      province,
      sharers,
      patients,
      relationship: (s, p) => RELATIONSHIPS[(s.index + p.index) % RELATIONSHIPS.length]!,
    };
    for (const s of sharers) {
      for (const p of patients) {
        h.clock.advance(1);
        const { binding } = await h.ok<{ binding: { bindingId: string; createdAt: string; status: string } }>(
          'bindRelative',
          { name: p.name, idNumber: p.idNumber, relationship: group.relationship(s, p), acceptUndertaking: true },
          s.user.token,
        );
        // The patients are adults: each confirms (SPEC 2.6, consent from 16); the binding pays from then on.
        if (binding.status !== 'pending') throw new Error(`a binding of an adult started ${binding.status}`);
        await h.ok('confirmBinding', { bindingId: binding.bindingId }, p.user.token);
        const state: BindingState = {
          bindingId: binding.bindingId,
          sharerId: s.personId,
          patientId: p.personId,
          relationship: group.relationship(s, p),
          status: 'active',
          createdAt: Date.parse(binding.createdAt),
        };
        structure.bindings.set(state.bindingId, state);
      }
    }
    groups.push(group);
  }

  const institutions: Array<{ code: string; key: string }> = [];
  for (let i = 0; i < config.institutions; i += 1) institutions.push(await h.institution(undefined, i % 2 === 0 ? 'hospital' : 'pharmacy'));
  return { config, groups, persons, institutions, structure, balances, totals };
}
