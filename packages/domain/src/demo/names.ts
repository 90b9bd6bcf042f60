/** Village and person names for the demo county, with pinyin for the English view. */
import type { Rng } from './rng.js'

export interface PlaceName {
  zh: string
  en: string
}

// Two-character village names the way Sichuan hill villages are named: a colour, plant or animal,
// and a landform (坝 flat, 岩 cliff, 垭 pass, 湾 bend...).
const FIRST: readonly [string, string][] = [
  ['石', 'Shi'],
  ['大', 'Da'],
  ['龙', 'Long'],
  ['凤', 'Feng'],
  ['青', 'Qing'],
  ['白', 'Bai'],
  ['红', 'Hong'],
  ['高', 'Gao'],
  ['新', 'Xin'],
  ['马', 'Ma'],
  ['鹿', 'Lu'],
  ['金', 'Jin'],
  ['桂', 'Gui'],
  ['柏', 'Bai'],
  ['茶', 'Cha'],
  ['竹', 'Zhu'],
  ['杉', 'Shan'],
  ['梨', 'Li'],
  ['桃', 'Tao'],
  ['双', 'Shuang'],
  ['沙', 'Sha'],
  ['营', 'Ying'],
  ['狮', 'Shi'],
  ['杨', 'Yang'],
  ['楠', 'Nan'],
  ['枫', 'Feng'],
  ['兴', 'Xing'],
  ['永', 'Yong'],
]
const SECOND: readonly [string, string][] = [
  ['坝', 'ba'],
  ['岩', 'yan'],
  ['林', 'lin'],
  ['山', 'shan'],
  ['田', 'tian'],
  ['沟', 'gou'],
  ['湾', 'wan'],
  ['坪', 'ping'],
  ['河', 'he'],
  ['桥', 'qiao'],
  ['井', 'jing'],
  ['塘', 'tang'],
  ['溪', 'xi'],
  ['垭', 'ya'],
  ['坡', 'po'],
  ['园', 'yuan'],
]

/** Hands out distinct village names in a seeded order. */
export function villageNames(rng: Rng, avoid: readonly string[]): () => PlaceName {
  const all: PlaceName[] = []
  for (const [z1, e1] of FIRST) {
    for (const [z2, e2] of SECOND) {
      const zh = z1 + z2
      if (!avoid.some((a) => a.includes(zh))) all.push({ zh, en: e1 + e2 })
    }
  }
  const order = rng.shuffle(all)
  let next = 0
  return () => {
    const name = order[next++]
    if (!name) throw new RangeError('ran out of demo village names')
    return name
  }
}

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '周',
  '吴',
  '罗',
  '何',
  '邓',
  '曾',
  '胡',
  '谢',
  '唐',
  '彭',
  '冯',
  '袁',
  '蒋',
  '苏',
  '先',
  '税',
  '熊',
  '龙',
  '穆',
  '范',
  '付',
  '余',
]
const GIVEN = [
  '建国',
  '志强',
  '德华',
  '国平',
  '小勇',
  '明军',
  '永红',
  '玉兰',
  '大伟',
  '光荣',
  '文斌',
  '春梅',
  '世洪',
  '学军',
  '成林',
  '开明',
  '远航',
  '其富',
  '树林',
  '俊',
  '刚',
  '平',
  '涛',
  '燕',
  '勇',
  '斌',
  '兵',
  '敏',
  '洪波',
  '家富',
  '定贵',
  '仕明',
  '利华',
  '朝阳',
  '海军',
  '正伦',
  '启发',
  '加林',
  '红梅',
  '安全',
]

/** Distinct Chinese personal names. */
export function personNames(rng: Rng): () => string {
  const seen = new Set<string>()
  return () => {
    for (;;) {
      const name = rng.pick(SURNAMES) + rng.pick(GIVEN)
      if (!seen.has(name)) {
        seen.add(name)
        return name
      }
    }
  }
}
