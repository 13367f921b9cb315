import { provinceName } from './provinces';

/**
 * Names of pooling regions (six-digit GB/T 2260 codes) the product shows to people: the demo's
 * regions and the provincial capitals. Pure data, no I/O. A person reads a name, never a code.
 */
export const POOLING_REGION_NAMES: Readonly<Record<string, string>> = Object.freeze({
  '110100': '北京市',
  '120100': '天津市',
  '130100': '石家庄市',
  '130200': '唐山市',
  '130300': '秦皇岛市',
  '130400': '邯郸市',
  '130500': '邢台市',
  '130600': '保定市',
  '140100': '太原市',
  '150100': '呼和浩特市',
  '210100': '沈阳市',
  '220100': '长春市',
  '230100': '哈尔滨市',
  '310100': '上海市',
  '320100': '南京市',
  '330100': '杭州市',
  '340100': '合肥市',
  '350100': '福州市',
  '360100': '南昌市',
  '370100': '济南市',
  '410100': '郑州市',
  '420100': '武汉市',
  '430100': '长沙市',
  '440100': '广州市',
  '440300': '深圳市',
  '450100': '南宁市',
  '460100': '海口市',
  '500100': '重庆市',
  '510100': '成都市',
  '520100': '贵阳市',
  '530100': '昆明市',
  '540100': '拉萨市',
  '610100': '西安市',
  '620100': '兰州市',
  '630100': '西宁市',
  '640100': '银川市',
  '650100': '乌鲁木齐市',
});

/** Municipalities: the city is the province, named once. */
const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

/**
 * `130100` → `河北省石家庄市`; `110100` → `北京市`; an unnamed region of a known province →
 * `广东省的统筹区`; an unknown code → `其他统筹区`. Never the code itself.
 */
export function regionName(code: string): string {
  const provinceCode = code.slice(0, 2);
  const province = provinceName(provinceCode);
  const city = POOLING_REGION_NAMES[code];
  if (city && MUNICIPALITIES.has(provinceCode)) return city;
  if (city) return province ? `${provinceFull(province)}${city}` : city;
  if (province) return `${provinceFull(province)}的统筹区`;
  return '其他统筹区';
}

/** 河北 → 河北省; 北京 → 北京市; the autonomous regions keep their full names. */
function provinceFull(short: string): string {
  const full: Record<string, string> = {
    北京: '北京市', 天津: '天津市', 上海: '上海市', 重庆: '重庆市',
    内蒙古: '内蒙古自治区', 广西: '广西壮族自治区', 西藏: '西藏自治区', 宁夏: '宁夏回族自治区', 新疆: '新疆维吾尔自治区',
    香港: '香港特别行政区', 澳门: '澳门特别行政区', 台湾: '台湾省',
  };
  return full[short] ?? `${short}省`;
}
