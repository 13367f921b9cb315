import type { PersonInput } from '../usecases/admin';
import type { Relationship } from '../../src/rules/relationship';
import { makeIdNumber } from './idNumbers';

/**
 * The demo cast: a small Hebei family network (石家庄 130100, 唐山 130200, 秦皇岛 130300)
 * and a relative in Beijing (110100), chosen so that every check of SPEC 2.1 and every
 * finding of SPEC 2.4 can be shown from the login page.
 */
export interface DemoPerson extends PersonInput {
  key: string;
  /** The phone the demo user logs in with; the registry phone too unless `registryPhone` says otherwise. */
  phone?: string;
  /** The registry phone, when it is not the login phone (陈静: she must use the face check). */
  registryPhone?: string;
  /** The user logs in already verified (false: the demo of identity verification). */
  verified?: boolean;
}

const p = (
  key: string,
  name: string,
  region: string,
  birth: string,
  seq: number,
  insuranceType: PersonInput['insuranceType'],
  status: PersonInput['status'],
  extra: Partial<DemoPerson> = {},
): DemoPerson => ({ key, name, poolingRegion: region, idNumber: makeIdNumber(region, birth, seq), insuranceType, status, ...extra });

export const DEMO_PERSONS: DemoPerson[] = [
  p('zhangwei', '张伟', '130100', '1985-06-12', 131, 'employee', 'active', { balanceFen: 300_000, phone: '13800000001', verified: true }),
  p('lina', '李娜', '130100', '1987-03-08', 242, 'resident', 'active', { phone: '13800000002', verified: true }),
  p('zhangxiaoming', '张小明', '130100', '2015-09-01', 351, 'resident', 'active', { phone: '13800000010', verified: true }),
  p('zhangli', '张丽', '130100', '1990-01-20', 462, 'resident', 'active'),
  p('wangxiulan', '王秀兰', '130100', '1958-11-30', 522, 'resident', 'active'),
  p('zhangjianguo', '张建国', '130100', '1956-04-15', 611, 'resident', 'active'),
  p('zhouminbj', '周敏', '110100', '1988-07-07', 722, 'resident', 'active'),
  p('zhenghua', '郑华', '130100', '1960-02-02', 813, 'none', 'active'),
  p('wangfang', '王芳', '130100', '1979-05-05', 924, 'employee', 'active', { balanceFen: 0, phone: '13800000003', verified: true }),
  p('zhaoxiuying', '赵秀英', '130100', '1952-12-12', 104, 'resident', 'active'),
  p('liuqiang', '刘强', '130100', '1983-08-18', 215, 'resident', 'active', { phone: '13800000004', verified: true }),
  p('chenjing', '陈静', '130200', '1991-10-10', 326, 'employee', 'active', { balanceFen: 80_000, phone: '13800000005', registryPhone: '13900000005', verified: false }),
  p('chenhao', '陈浩', '130200', '1994-03-03', 437, 'resident', 'active'),
  p('sunli', '孙丽', '130100', '1975-01-01', 548, 'employee', 'active', { balanceFen: 120_000, phone: '13800000006', verified: true }),
  p('liuyang', '刘洋', '130100', '1982-02-14', 659, 'employee', 'active', { balanceFen: 50_000, phone: '13800000007', verified: true }),
  p('liude', '刘德', '130100', '1950-06-06', 761, 'resident', 'suspended'),
  p('wulei', '吴磊', '130200', '1980-09-09', 871, 'employee', 'active', { balanceFen: 200_000 }),
  p('wugang', '吴刚', '130100', '1983-12-01', 981, 'resident', 'active', { phone: '13800000011', verified: true }),
  p('machao', '马超', '130300', '1970-03-15', 113, 'employee', 'active', { balanceFen: 150_000 }),
  p('maxiaolong', '马小龙', '130300', '2004-08-20', 223, 'resident', 'active', { phone: '13800000008', verified: true }),
  p('huangyong', '黄勇', '130100', '1968-07-17', 333, 'employee', 'suspended', { balanceFen: 90_000 }),
  p('huangxiaohong', '黄小红', '130100', '1996-04-04', 444, 'resident', 'active', { phone: '13800000009', verified: true }),
  // 孙丽's eight relatives fill her quota (LIMIT_REACHED).
  ...['孙一', '孙二', '孙三', '孙四', '孙五', '孙六', '孙七', '孙八'].map((name, index) =>
    p(`sun${index + 1}`, name, '130100', `200${index}-0${(index % 9) + 1}-1${index}`, 500 + index * 2, 'resident', 'active'),
  ),
  p('sunextra', '孙九', '130100', '2009-09-09', 580, 'resident', 'active'),
  // 周杰's sister 周红 shared with him until an end date that has passed (BINDING_EXPIRED).
  p('zhouhong', '周红', '130100', '1986-02-02', 313, 'employee', 'active', { balanceFen: 60_000 }),
  p('zhoujie', '周杰', '130100', '1992-09-09', 413, 'resident', 'active', { phone: '13800000012', verified: true }),
  // A stranger with money who claimed 李娜 as his "spouse": she refused him as not her relative.
  p('qianduoduo', '钱多多', '130100', '1978-10-10', 691, 'employee', 'active', { balanceFen: 500_000 }),
  // The service hall (SPEC 2.10): 赵桂英, 78, a retired worker in 石家庄 with a balance but no
  // registry phone and no account, comes with her ID card. Her daughter 刘敏 asked to share
  // with her in the app; the request waits for the mother, who cannot answer it on a phone.
  p('zhaoguiying', '赵桂英', '130100', '1948-05-20', 127, 'employee', 'active', { balanceFen: 200_000 }),
  p('liumin', '刘敏', '130100', '1974-08-08', 228, 'employee', 'active', { balanceFen: 100_000, phone: '13800000013', verified: true }),
  // The 2026 rules (SPEC 2.11, 2.12): 高峰 in 石家庄 shares with his father in 南京 through a quota
  // (跨省共济), his brother's quota in 上海 is used up (QUOTA_SPENT), and his mother's resident
  // premium of next year can be paid from his account (代缴) while the window is open.
  p('gaofeng', '高峰', '130100', '1984-04-04', 515, 'employee', 'active', { balanceFen: 800_000, phone: '13800000014', verified: true }),
  p('gaojianjun', '高建军', '320100', '1955-05-05', 617, 'resident', 'active'),
  p('gaoyuan', '高原', '310100', '1989-09-19', 719, 'resident', 'active'),
  p('liuguilan', '刘桂兰', '130100', '1958-08-18', 822, 'resident', 'active'),
];

export interface DemoBinding {
  sharer: string;
  relative: string;
  relationship: Relationship;
  status: 'active' | 'pending' | 'unbound' | 'declined';
  notMyRelative?: boolean;
  /** Days before the first start on which the binding ended by its end date. */
  endedDaysAgo?: number;
  /** A quota the sharer set aside for this relative (SPEC 2.11): what lets it cross provinces. */
  quotaFen?: number;
}

export const DEMO_BINDINGS: DemoBinding[] = [
  { sharer: 'zhangwei', relative: 'lina', relationship: 'spouse', status: 'active' },
  { sharer: 'zhangwei', relative: 'zhangxiaoming', relationship: 'child', status: 'active' },
  { sharer: 'zhangwei', relative: 'zhangli', relationship: 'sibling', status: 'unbound' },
  { sharer: 'wangfang', relative: 'zhaoxiuying', relationship: 'parent', status: 'active' },
  { sharer: 'liuyang', relative: 'liude', relationship: 'parent', status: 'active' },
  { sharer: 'wulei', relative: 'wugang', relationship: 'sibling', status: 'active' },
  { sharer: 'machao', relative: 'maxiaolong', relationship: 'child', status: 'pending' },
  { sharer: 'huangyong', relative: 'huangxiaohong', relationship: 'child', status: 'active' },
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ sharer: 'sunli', relative: `sun${n}`, relationship: 'child' as const, status: 'active' as const })),
  { sharer: 'qianduoduo', relative: 'lina', relationship: 'spouse', status: 'declined', notMyRelative: true },
  { sharer: 'zhouhong', relative: 'zhoujie', relationship: 'sibling', status: 'active', endedDaysAgo: 10 },
  { sharer: 'liumin', relative: 'zhaoguiying', relationship: 'parent', status: 'pending' },
  { sharer: 'gaofeng', relative: 'gaojianjun', relationship: 'parent', status: 'active', quotaFen: 200_000 },
  { sharer: 'gaofeng', relative: 'gaoyuan', relationship: 'sibling', status: 'active', quotaFen: 30_000 },
  { sharer: 'gaofeng', relative: 'liuguilan', relationship: 'parent', status: 'active' },
];

/** 张伟 put his father in his 亲情账户 only: the classic "mutual aid does not work". */
export const DEMO_FAMILY_ACCOUNT = [{ owner: 'zhangwei', person: 'zhangjianguo', relationship: 'parent' as const }];

export const DEMO_INSTITUTIONS = [
  { code: 'H13010000001', name: '河北医科大学第二医院', kind: 'hospital' as const },
  { code: 'P13010000001', name: '石家庄乐仁堂大药房', kind: 'pharmacy' as const },
  // Institutions of other provinces, paid through quotas (their province is in their national code).
  { code: 'H32010000001', name: '南京市第一医院', kind: 'hospital' as const },
  { code: 'P31010000001', name: '上海第一医药商店', kind: 'pharmacy' as const },
];

/** Policies: 唐山 keeps sharing inside the pooling region and to close relatives only; 秦皇岛 asks adults to confirm. */
export const DEMO_POLICIES = [
  { scope: '130200', relativeScope: 'close' as const, sharingScope: 'region' as const },
  { scope: '130300', consentFromAge: 16 },
];

/** Past bills paid by mutual aid, in days before the first start. */
export const DEMO_SETTLEMENTS = [
  { patient: 'lina', institution: 'H13010000001', kind: 'outpatient' as const, amountFen: 12_850, daysAgo: 40 },
  { patient: 'zhangxiaoming', institution: 'P13010000001', kind: 'pharmacy' as const, amountFen: 4_620, daysAgo: 33 },
  { patient: 'zhangli', institution: 'P13010000001', kind: 'pharmacy' as const, amountFen: 8_800, daysAgo: 70, beforeUnbind: true },
  { patient: 'zhangxiaoming', institution: 'H13010000001', kind: 'inpatient' as const, amountFen: 56_000, daysAgo: 8 },
  { patient: 'lina', institution: 'P13010000001', kind: 'pharmacy' as const, amountFen: 3_500, daysAgo: 2 },
  { patient: 'wugang', institution: 'H13010000001', kind: 'outpatient' as const, amountFen: 9_900, daysAgo: 90, beforePolicy: true },
  // Paid from 高峰's quotas: ¥356.80 of his father's ¥2,000.00, all ¥300.00 of his brother's.
  { patient: 'gaojianjun', institution: 'H32010000001', kind: 'outpatient' as const, amountFen: 35_680, daysAgo: 12 },
  { patient: 'gaoyuan', institution: 'P31010000001', kind: 'pharmacy' as const, amountFen: 30_000, daysAgo: 5 },
];

/** What the start-up text lists: each demo phone and what it shows. */
export const DEMO_GUIDE: Array<{ phone: string; who: string; shows: string }> = [
  { phone: '13800000001', who: '张伟（职工，石家庄，余额¥3,000.00）', shows: '共济人：配偶、子女已绑定，妹妹已解绑；父亲只在亲情账户（FAMILY_ACCOUNT_ONLY）；可添加母亲王秀兰；试各种绑定错误' },
  { phone: '13800000002', who: '李娜（居民，配偶）', shows: '被共济人：看到张伟为她支付的记录和消息；诊断结果 OK，金额很大时 BALANCE_LOW；陌生人钱多多冒称配偶，她已选“不是我的亲属”（已拒绝，180天内不能再添加）' },
  { phone: '13800000003', who: '王芳（职工，余额¥0.00）', shows: '为母亲赵秀英共济：BALANCE_ZERO' },
  { phone: '13800000004', who: '刘强（居民医保）', shows: '添加亲属：SHARER_NOT_EMPLOYEE' },
  { phone: '13800000005', who: '陈静（职工，唐山，未实名）', shows: '实名认证：登录手机号不是她的预留手机号，需人脸核验（开发环境为模拟人脸核验）；唐山只允许配偶、父母、子女在本统筹区共济：添加表单只列这三种关系（接口添加弟弟陈浩为兄弟姐妹 → RELATIONSHIP_NOT_ALLOWED），添加北京周敏 → OUT_OF_REGION' },
  { phone: '13800000006', who: '孙丽（职工，已绑定8人）', shows: '再添加孙九：LIMIT_REACHED' },
  { phone: '13800000007', who: '刘洋（职工）', shows: '父亲刘德医保暂停：诊断 NOT_INSURED' },
  { phone: '13800000008', who: '马小龙（秦皇岛，20岁）', shows: '父亲马超的共济申请待他确认（首页“待您确认”）：BINDING_PENDING，可同意、拒绝或选“不是我的亲属”' },
  { phone: '13800000009', who: '黄小红', shows: '父亲黄勇职工医保暂停：SHARER_NOT_ELIGIBLE' },
  { phone: '13800000010', who: '张小明（子女）', shows: '被共济人：看到父亲张伟为他支付的记录' },
  { phone: '13800000012', who: '周杰（石家庄）', shows: '姐姐周红为他设的共济有效期已过：已到期，诊断 BINDING_EXPIRED' },
  { phone: '13800000011', who: '吴刚（石家庄）', shows: '哥哥吴磊参保唐山，唐山改为仅本统筹区共济：OUT_OF_REGION' },
  {
    phone: '13800000014',
    who: '高峰（职工，石家庄，余额¥8,000.00）',
    shows:
      '跨省共济：为南京的父亲高建军设了¥2,000.00共济额度（已用¥356.80，可调整、解绑后剩余退回）；上海的弟弟高原的¥300.00额度已用完（QUOTA_SPENT）；首页显示可用余额与冻结额度；母亲刘桂兰参加居民医保，缴费期内可为她代缴下一年度居民医保费',
  },
  {
    phone: '13800000013',
    who: '刘敏（职工，石家庄）',
    shows: '为母亲赵桂英（78岁，无预留手机号、不会用手机）申请的共济待母亲确认；经办大厅 /staff：查询赵桂英、为她关联手机号、代她确认女儿的申请、凭纸质承诺书为她给女儿开通共济，主管在审计记录中看到每一步',
  },
];

/** The elderly person of the service-hall demo (no phone, no account) and her daughter. */
export const DEMO_HALL = { elder: 'zhaoguiying', daughter: 'liumin' } as const;

export interface DemoStaff {
  username: string;
  name: string;
  role: 'agent' | 'handler' | 'supervisor';
  /** Fixed for the demo only: development prints them, production never seeds them. */
  password: string;
  totpSecret: string;
}

/** Staff of the service-hall demo (SPEC 2.10), created at a development start. */
export const DEMO_STAFF: DemoStaff[] = [
  { username: 'agent', name: '客服 李静', role: 'agent', password: 'demo-agent-2026', totpSecret: '7BKWBVVJ66XC7VXQ2N2LZHCDWYSIFYOC' },
  { username: 'handler', name: '经办 王磊', role: 'handler', password: 'demo-handler-2026', totpSecret: 'AZAOWRJMCR2EE6DS5AJTOU5D6EMPUZPA' },
  { username: 'supervisor', name: '主管 陈红', role: 'supervisor', password: 'demo-supervisor-2026', totpSecret: '6UN7F4D52PCUC5CW6X3CBRFYPCEM57KN' },
];
