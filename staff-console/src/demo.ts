/** 演示 mode: a walk through the demo cast (server/demo/cast.ts), one person per step. */
import { DEMO_PERSONS } from '../../server/demo/cast';

export interface DemoStep {
  title: string;
  /** What the visitor should look at, in plain words. */
  explain: string;
  /** The demo person to look up (a key of DEMO_PERSONS); none: a step without a lookup. */
  person?: string;
  /** The screen this step shows. */
  screen?: 'lookup' | 'audit';
}

export const DEMO_STEPS: readonly DemoStep[] = [
  {
    title: '经办人员与角色',
    explain:
      '控制台有三种角色：客服只能查询；经办可以为持身份证到场的参保人代办关联身份、添加或解除共济、代为同意或拒绝、管理亲情账户；主管还能查看审计记录。工作人员账号由运营人员创建，登录要用户名、密码和身份验证器应用中的动态验证码（开发环境启动时打印演示账号：agent 客服、handler 经办、supervisor 主管）。每次查询都要填写事由，每次查询和代办都会记入审计记录，并通知被办理的参保人。接下来的每一步查询一位演示参保人。',
  },
  {
    title: '共济人：张伟',
    person: 'zhangwei',
    explain: '张伟是石家庄的职工参保人，为配偶李娜、儿子张小明共济（生效），为妹妹张丽的共济已解绑。看“已共济金额”和支付记录：余额只从他的个人账户支出。',
  },
  {
    title: '亲情账户不是共济：张建国',
    person: 'zhangjianguo',
    explain: '张伟只把父亲张建国加进了亲情账户，没有建立共济关系。亲情账户只能代为出示医保码，不会用张伟的余额——这是“共济不起作用”最常见的原因，诊断会直接说明。',
  },
  {
    title: '风险事件：李娜',
    person: 'lina',
    explain: '陌生人钱多多冒称是李娜的配偶申请共济，李娜选择了“不是我的亲属”。风险事件里能看到这条记录；180 天内钱多多不能再添加她。',
  },
  {
    title: '余额为零：赵秀英',
    person: 'zhaoxiuying',
    explain: '女儿王芳为赵秀英共济，但王芳的个人账户余额为 ¥0.00。状态显示“暂不能支付”并写明原因，诊断给出建议。',
  },
  {
    title: '参保暂停：刘德',
    person: 'liude',
    explain: '刘德本人的居民医保暂停，儿子刘洋的共济因此不能支付。请他先到参保地恢复参保。',
  },
  {
    title: '待确认的共济：马小龙',
    person: 'maxiaolong',
    explain: '秦皇岛要求 16 岁以上的亲属本人同意。父亲马超的申请在等马小龙确认：他本人持身份证到场时，经办人员可以代为同意或拒绝（确认前会说明后果）。',
  },
  {
    title: '已到期：周杰',
    person: 'zhoujie',
    explain: '姐姐周红为周杰设的共济有效期已过，状态“已到期”，不再支付。',
  },
  {
    title: '跨统筹区：吴刚',
    person: 'wugang',
    explain: '哥哥吴磊参保在唐山，唐山改为只允许本统筹区共济，这条共济因此暂不能支付（跨统筹区）。',
  },
  {
    title: '经办大厅：赵桂英（78 岁，没有手机）',
    person: 'zhaoguiying',
    explain:
      '赵桂英是石家庄的退休职工，有个人账户余额，但没有预留手机号，也不会用手机。女儿刘敏为她申请的共济正等她确认。她持身份证到厅时，经办人员核验身份证后可以：把她的身份关联到家人为她使用的手机号账户；代她同意女儿的申请；凭她签字的纸质承诺书（记下编号）为女儿开通共济。每一步确认前都会说明后果。',
  },
  {
    title: '女儿：刘敏',
    person: 'liumin',
    explain: '刘敏自己用小程序。查询她，可以看到她为母亲的共济：母亲确认前显示“待确认”，经办人员代母亲同意后显示“生效”；母亲那边的每次代办，双方都会收到通知。',
  },
  {
    title: '审计记录',
    screen: 'audit',
    explain: '主管可以按工作人员或参保人筛选，看到刚才每一次查询（连同事由）和每一次代办（连同凭证）。',
  },
];

/** The full ID number of a demo person: it goes into the lookup field only, never onto the page. */
export function demoIdNumber(key: string): string | null {
  return DEMO_PERSONS.find((p) => p.key === key)?.idNumber ?? null;
}

export function demoName(key: string): string | null {
  return DEMO_PERSONS.find((p) => p.key === key)?.name ?? null;
}

export const DEMO_REASON = '演示讲解（演示数据）';
