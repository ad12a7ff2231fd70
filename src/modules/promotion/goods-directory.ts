// The goods a promotion names, read through the goods module's service: its categories (for "this
// category and those below it") and which product ids exist.
import type { Goods } from '../goods/index.ts';
import type { GoodsDirectory } from './promotions.service.ts';

type Tree = Awaited<ReturnType<Goods['products']['categories']>>;

export function goodsDirectory(goods: Goods): GoodsDirectory {
  return {
    async categories(q) {
      const out: { id: number; parentId: number | null }[] = [];
      const walk = (cs: Tree) => { for (const c of cs) { out.push({ id: c.id, parentId: c.parentId }); walk(c.children); } };
      walk(await goods.products.categories(q));
      return out;
    },
    async products(ids) {
      const found = await Promise.all(ids.map((id) => goods.products.get(id).then(() => id, () => null)));
      return found.filter((id): id is number => id !== null);
    },
  };
}
